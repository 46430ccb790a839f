{{/* Chart name, overridable. */}}
{{- define "sextant.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "sextant.fullname" -}}
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

{{- define "sextant.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sextant.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sextant.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sextant.labels" -}}
helm.sh/chart: {{ include "sextant.chart" . }}
{{ include "sextant.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sextant
{{- end -}}

{{- define "sextant.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sextant.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sextant.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* True (non-empty) when the targets are split across replicas. */}}
{{- define "sextant.sharded" -}}
{{- if and .Values.sharding.enabled (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{/* Placeholder the init container replaces with the pod's ordinal. */}}
{{- define "sextant.shardPlaceholder" -}}__SEXTANT_SHARD__{{- end -}}

{{/* Where Sextant reads prometheus.yml: the ConfigMap, or the copy rendered for this shard. */}}
{{- define "sextant.configFile" -}}
{{- if include "sextant.sharded" . -}}/etc/sextant/shard/prometheus.yml{{- else -}}/etc/sextant/config/prometheus.yml{{- end -}}
{{- end -}}

{{/*
Relabel steps appended to every scrape job when sharded: hash the final target (address, path
and, for probes, the probed target) into .Values.replicas buckets and keep only this pod's bucket.
They come last so that jobs rewriting __address__ (blackbox probes) still spread out.
*/}}
{{- define "sextant.shardRelabelConfigs" -}}
- source_labels: [__address__, __metrics_path__, __param_target]
  modulus: {{ int .Values.replicas }}
  target_label: __tmp_hash
  action: hashmod
- source_labels: [__tmp_hash]
  regex: {{ include "sextant.shardPlaceholder" . }}
  action: keep
{{- end -}}

{{/* Meta label names of the endpoints role in use. */}}
{{- define "sextant.endpointsMeta" -}}
{{- if eq .Values.discovery.endpointsRole "endpointslice" -}}
portName: __meta_kubernetes_endpointslice_port_name
nodeName: __meta_kubernetes_endpointslice_endpoint_node_name
{{- else if eq .Values.discovery.endpointsRole "endpoints" -}}
portName: __meta_kubernetes_endpoint_port_name
nodeName: __meta_kubernetes_endpoint_node_name
{{- else -}}
{{- fail "discovery.endpointsRole must be endpointslice or endpoints" -}}
{{- end -}}
{{- end -}}

{{- define "sextant.datasourceUrl" -}}
{{- printf "%s://%s.%s.svc.cluster.local:%d" (include "sextant.urlScheme" .) (include "sextant.fullname" .) .Release.Namespace (int .Values.service.port) -}}
{{- end -}}

{{/* http or https, from server.webConfig.scheme. */}}
{{- define "sextant.urlScheme" -}}
{{- lower .Values.server.webConfig.scheme -}}
{{- end -}}

{{/* The probes' scheme and headers (an httpGet's fields after path and port). */}}
{{- define "sextant.probeHttp" -}}
scheme: {{ upper .Values.server.webConfig.scheme }}
{{- with .Values.server.webConfig.probeHeaders }}
httpHeaders:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
