// Command helm-render renders a Helm chart the way `helm template` does, for machines with no helm binary.
//
// Helm's engine is Go's text/template with sprig plus a few functions of its own; this file rebuilds that
// engine from the same libraries (sprig, sigs.k8s.io/yaml) so the output matches Helm's, quirks included:
// values are read through JSON, so numbers are float64 exactly as in Helm (1048576 prints 1.048576e+06
// unless a template casts it), missing keys render as "" and partials (_*.tpl) are never emitted.
//
// Build (GOPATH mode, Debian packages):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o tools/helm-render/bin/helm-render ./tools/helm-render
//
// Usage: helm-render -chart charts/writ [-f values-production.yaml] [-name writ] [-namespace writ]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// recursionMaxNums mirrors Helm's guard against include loops.
const recursionMaxNums = 1000

// chartMeta holds the Chart.yaml fields templates read as .Chart.X (Helm passes its Metadata struct).
type chartMeta struct {
	APIVersion  string `json:"apiVersion"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	AppVersion  string `json:"appVersion"`
	Description string `json:"description"`
	Type        string `json:"type"`
	KubeVersion string `json:"kubeVersion"`
}

// versionSet mirrors chartutil.VersionSet so .Capabilities.APIVersions.Has works.
type versionSet []string

func (v versionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type kubeVersion struct{ Version, Major, Minor, GitVersion string }

func (k kubeVersion) String() string { return k.Version }

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions versionSet
	HelmVersion map[string]string
}

func readYAMLMap(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	// Helm reads values with sigs.k8s.io/yaml (YAML -> JSON -> interface{}), so numbers become float64.
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// coalesce merges user values over chart defaults as Helm does: maps merge deeply, a user null deletes.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for k, sv := range src {
		if sv == nil {
			delete(dst, k)
			continue
		}
		sm, sIsMap := sv.(map[string]interface{})
		dm, dIsMap := dst[k].(map[string]interface{})
		if sIsMap && dIsMap {
			dst[k] = coalesce(dm, sm)
		} else {
			dst[k] = sv
		}
	}
	return dst
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "" // Helm swallows the error the same way
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// funcMap is sprig's text functions minus env access (as Helm removes them) plus Helm's own.
func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includedNames := map[string]int{}
	f["toYaml"] = toYAML
	f["fromYaml"] = fromYAML
	f["toJson"] = toJSON
	f["fromJson"] = fromJSON
	f["include"] = func(name string, data interface{}) (string, error) {
		if includedNames[name] > recursionMaxNums {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includedNames[name]++
		defer func() { includedNames[name]-- }()
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		nt, err := clone.New("tpl").Option("missingkey=zero").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf bytes.Buffer
		if err := nt.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warn)
		}
		if s, ok := val.(string); ok && s == "" {
			return val, errors.New(warn)
		}
		return val, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil // as `helm template`: no cluster, empty result
	}
	return f
}

func run() error {
	chartDir := flag.String("chart", "", "chart folder")
	valuesFile := flag.String("f", "", "values file layered over the chart's values.yaml")
	name := flag.String("name", "writ", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	flag.Parse()
	if *chartDir == "" {
		return errors.New("-chart is required")
	}

	var meta chartMeta
	raw, err := os.ReadFile(filepath.Join(*chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return fmt.Errorf("Chart.yaml: %w", err)
	}
	values, err := readYAMLMap(filepath.Join(*chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	if *valuesFile != "" {
		user, err := readYAMLMap(*valuesFile)
		if err != nil {
			return err
		}
		values = coalesce(values, user)
	}

	// Every file under templates/ joins one template set, named as Helm names them (chart/templates/x).
	t := template.New("gotpl")
	t.Funcs(funcMap(t)).Option("missingkey=zero")
	var names []string
	tplRoot := filepath.Join(*chartDir, "templates")
	err = filepath.Walk(tplRoot, func(p string, info os.FileInfo, werr error) error {
		if werr != nil || info.IsDir() {
			return werr
		}
		rel, _ := filepath.Rel(*chartDir, p)
		tname := meta.Name + "/" + filepath.ToSlash(rel)
		body, rerr := os.ReadFile(p)
		if rerr != nil {
			return rerr
		}
		if _, perr := t.New(tname).Parse(string(body)); perr != nil {
			return perr
		}
		names = append(names, tname)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)

	caps := capabilities{
		KubeVersion: kubeVersion{Version: "v1.30.0", Major: "1", Minor: "30", GitVersion: "v1.30.0"},
		APIVersions: versionSet{"v1", "apps/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1"},
		HelmVersion: map[string]string{"Version": "v3.15.0"},
	}
	release := map[string]interface{}{
		"Name": *name, "Namespace": *namespace, "IsInstall": true, "IsUpgrade": false, "Revision": 1, "Service": "Helm",
	}
	var out bytes.Buffer
	for _, tname := range names {
		base := filepath.Base(tname)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		data := map[string]interface{}{
			"Values": values, "Release": release, "Chart": meta, "Capabilities": caps,
			"Template": map[string]interface{}{"Name": tname, "BasePath": meta.Name + "/templates"},
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, tname, data); err != nil {
			return err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue // Helm drops empty manifests
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", tname, strings.TrimRight(text, "\n"))
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "helm-render:", err)
		os.Exit(1)
	}
}
