{{/* Names and labels shared by every template. */}}

{{- define "writ.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "writ.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "writ.selectorLabels" -}}
app.kubernetes.io/name: {{ include "writ.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "writ.labels" -}}
{{ include "writ.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "writ.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "writ.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The FQDN the mesh's extension providers point at (istio/mesh-config.yaml). */}}
{{- define "writ.serviceHost" -}}
{{- printf "%s.%s.svc.cluster.local" (include "writ.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/* More than one pod can serve: several replicas, or an autoscaler. */}}
{{- define "writ.multi" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}true{{- end -}}
{{- end -}}

{{/* A CA file from a ConfigMap or a Secret: the volume source, given {name, configMap, secret}. */}}
{{- define "writ.caVolume" -}}
- name: {{ .name }}
  {{- if .configMap }}
  configMap:
    name: {{ .configMap }}
  {{- else }}
  secret:
    secretName: {{ .secret }}
  {{- end }}
{{- end -}}

{{/*
Refuse configurations that would be wrong at run time rather than render them. Each `fail` mirrors a
ConfigError of src/config.ts (writ would refuse to start) or a fleet-level fact writ cannot see from one
pod (several replicas need one key, one state store and one webhook secret).
*/}}
{{- define "writ.validate" -}}
{{- $v := .Values -}}
{{- $multi := eq (include "writ.multi" .) "true" -}}
{{- $pods := ternary (printf "autoscaling up to %d replicas" (int $v.autoscaling.maxReplicas)) (printf "replicaCount=%d" (int $v.replicaCount)) (and $v.autoscaling.enabled true) -}}
{{- $rotation := int $v.signer.keyRotationS -}}
{{- if and $multi (not (or $v.redis.url $v.redis.existingSecret)) -}}
{{- fail (printf "%s needs redis.url or redis.existingSecret: replay detection, approvals and rate caps are shared state" $pods) -}}
{{- end -}}
{{- if and (eq $v.signer.type "gcp-kms") (not $v.signer.gcpKms.keyVersion) -}}
{{- fail "signer.type=gcp-kms needs signer.gcpKms.keyVersion (projects/.../cryptoKeyVersions/N)" -}}
{{- end -}}
{{- if and (eq $v.signer.type "aws-kms") (not (and $v.signer.awsKms.keyId $v.signer.awsKms.region)) -}}
{{- fail "signer.type=aws-kms needs signer.awsKms.keyId and signer.awsKms.region" -}}
{{- end -}}
{{- if and (ne $v.signer.type "local") (lt $rotation 10) -}}
{{- fail (printf "signer.type=%s needs signer.keyRotationS of at least 10 (300 is usual): a KMS key only certifies short-lived keys and never signs a decision, and writ refuses less" $v.signer.type) -}}
{{- end -}}
{{/*
Several replicas need one root key. With rotation off the root signs every token itself; with rotation on
each replica signs with short-lived keys of its own, and its tokens carry the root's certification of the
key (`wcrt`), so every replica trusting the same root verifies them (docs/keys.md). A KMS key is one root
by construction; a local root must be the same Secret on every pod.
*/}}
{{- if and $multi (eq $v.signer.type "local") (not $v.signer.local.existingSecret) -}}
{{- if gt $rotation 0 -}}
{{- fail (printf "%s with signer.type=local and signer.keyRotationS=%d needs signer.local.existingSecret: a replica verifies another's short-lived keys only if the same root key certified them (or use signer.type=aws-kms or gcp-kms)" $pods $rotation) -}}
{{- else -}}
{{- fail (printf "%s with signer.type=local needs signer.local.existingSecret: every replica must sign with the same key" $pods) -}}
{{- end -}}
{{- end -}}
{{- $oidc := $v.approvals.oidc -}}
{{- if and (or $oidc.issuer $oidc.audience $oidc.jwksUrl) (not (and $oidc.issuer $oidc.audience $oidc.jwksUrl)) -}}
{{- fail "approvals.oidc.issuer, audience and jwksUrl must be set together (or none)" -}}
{{- end -}}
{{- $hooks := $v.approvals.webhooks -}}
{{- if and $hooks.targets $hooks.targetsSecret -}}
{{- fail "approvals.webhooks: give targets or targetsSecret, not both" -}}
{{- end -}}
{{- if and $multi (or $hooks.targets $hooks.targetsSecret) (not $hooks.secret.existingSecret) -}}
{{- fail (printf "%s with approval webhooks needs approvals.webhooks.secret.existingSecret: otherwise each pod signs with a secret of its own and receivers cannot verify" $pods) -}}
{{- end -}}
{{- $tsa := $v.audit.tsa -}}
{{- if and $tsa.url (not (or $tsa.caConfigMap $tsa.caSecret)) -}}
{{- fail "audit.tsa.url needs audit.tsa.caConfigMap or audit.tsa.caSecret: a time-stamp is only worth keeping if it chains to a CA you chose" -}}
{{- end -}}
{{- if and $tsa.caConfigMap $tsa.caSecret -}}
{{- fail "audit.tsa: give caConfigMap or caSecret, not both" -}}
{{- end -}}
{{- $sys := $v.siem.syslog -}}
{{- if and (or $sys.caConfigMap $sys.caSecret) (not $sys.address) -}}
{{- fail "siem.syslog.caConfigMap/caSecret without siem.syslog.address" -}}
{{- end -}}
{{- if and $sys.caConfigMap $sys.caSecret -}}
{{- fail "siem.syslog: give caConfigMap or caSecret, not both" -}}
{{- end -}}
{{- if and $v.shadowPolicies.enabled (not (or $v.shadowPolicies.files $v.shadowPolicies.existingConfigMap)) -}}
{{- fail "shadowPolicies.enabled needs shadowPolicies.files or shadowPolicies.existingConfigMap" -}}
{{- end -}}
{{- if and $v.istio.enabled $v.istio.extProc.enabled (not $v.roles.extProc) -}}
{{- fail "istio.extProc.enabled needs roles.extProc: the EnvoyFilter would point at a port writ does not serve, and fail closed" -}}
{{- end -}}
{{- include "writ.validateIstioLayout" . -}}
{{- end -}}

{{/*
Istio applies one CUSTOM provider per workload: refuse layouts where the agents (inbound) and tools
(verify) policies could select the same workload.
*/}}
{{- define "writ.validateIstioLayout" -}}
{{- $ist := .Values.istio -}}
{{- if and $ist.enabled .Values.roles.inbound (eq $ist.agents.namespace $ist.tools.namespace) -}}
{{- if eq $ist.mode "ambient" -}}
{{- fail "istio.mode=ambient needs istio.agents.namespace and istio.tools.namespace to differ: both policies would attach to the one waypoint, two CUSTOM providers on one workload" -}}
{{- end -}}
{{- $disjoint := false -}}
{{- range $k, $val := $ist.agents.matchLabels -}}
{{- if and (hasKey $ist.tools.matchLabels $k) (ne (toString (index $ist.tools.matchLabels $k)) (toString $val)) -}}
{{- $disjoint = true -}}
{{- end -}}
{{- end -}}
{{- if not $disjoint -}}
{{- fail "istio.agents and istio.tools share a namespace and their matchLabels can select the same pod (no label key with different values): one workload would get two CUSTOM providers" -}}
{{- end -}}
{{- end -}}
{{- end -}}
