{{/* Names and labels shared by every template. */}}

{{- define "writ.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "writ.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
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

{{/*
Refuse configurations that would be wrong at run time rather than render them: several replicas need
shared state (Redis) and one signing key that every replica holds.
*/}}
{{- define "writ.validate" -}}
{{- $multi := or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}
{{- if and $multi (not (or .Values.redis.url .Values.redis.existingSecret)) -}}
{{- fail "more than one replica needs redis.url or redis.existingSecret: replay detection and rate caps are shared state" -}}
{{- end -}}
{{- if and $multi (eq .Values.signer.type "local") (not .Values.signer.local.existingSecret) -}}
{{- fail "more than one replica with signer.type=local needs signer.local.existingSecret: every replica must sign with the same key" -}}
{{- end -}}
{{- if and (eq .Values.signer.type "gcp-kms") (not .Values.signer.gcpKms.keyVersion) -}}
{{- fail "signer.type=gcp-kms needs signer.gcpKms.keyVersion" -}}
{{- end -}}
{{- if and (eq .Values.signer.type "aws-kms") (not (and .Values.signer.awsKms.keyId .Values.signer.awsKms.region)) -}}
{{- fail "signer.type=aws-kms needs signer.awsKms.keyId and signer.awsKms.region" -}}
{{- end -}}
{{- end -}}
