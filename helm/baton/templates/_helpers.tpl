{{/* Chart name, truncated to a DNS label. */}}
{{- define "baton.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: <release>-baton, or the release name if it contains the chart name. */}}
{{- define "baton.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "baton.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "baton.labels" -}}
helm.sh/chart: {{ include "baton.chart" . }}
{{ include "baton.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "baton.selectorLabels" -}}
app.kubernetes.io/name: {{ include "baton.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "baton.orchestrator.selectorLabels" -}}
{{ include "baton.selectorLabels" . }}
app.kubernetes.io/component: orchestrator
{{- end }}

{{- define "baton.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "baton.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "baton.agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- printf "%s-agent" (include "baton.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "baton.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "baton.agent.image" -}}
{{- $repository := default .Values.image.repository .Values.agent.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.agent.image.tag }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}

{{- define "baton.agent.tokensSecret" -}}
{{- default (printf "%s-node-tokens" (include "baton.fullname" .)) .Values.agent.tokensSecret }}
{{- end }}

{{/* The orchestrator's base URL as agents in the release namespace reach it. */}}
{{- define "baton.orchestratorUrl" -}}
{{- printf "http://%s:%v" (include "baton.fullname" .) .Values.orchestrator.service.port }}
{{- end }}

{{/* Collector of a pool (dict "pool" $pool): agent.collector, else by the resource's vendor. */}}
{{- define "baton.pool.collector" -}}
{{- $agent := .pool.agent | default dict }}
{{- if $agent.collector }}
{{- $agent.collector }}
{{- else if hasPrefix "huawei.com/" .pool.resourceName }}
{{- "npu-smi" }}
{{- else }}
{{- "nvidia-smi" }}
{{- end }}
{{- end }}

{{/* The Secret holding the admin token: an existing one, or the one the chart generates. */}}
{{- define "baton.adminToken.secretName" -}}
{{- if .Values.adminToken.existingSecret }}
{{- .Values.adminToken.existingSecret }}
{{- else }}
{{- printf "%s-admin-token" (include "baton.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* What the schema cannot say: pool names are unique; replicas share one admin token. */}}
{{- define "baton.validate" -}}
{{- if and (not .Values.adminToken.existingSecret) (not .Values.adminToken.generate) }}
{{- fail "adminToken: name the Secret holding the admin token (adminToken.existingSecret), or let the chart generate one (adminToken.generate=true); without it every replica would make up its own" }}
{{- end }}
{{- $seen := dict }}
{{- range .Values.pools }}
{{- if hasKey $seen .name }}
{{- fail (printf "pools: the name %q is used by more than one pool; pool names must be unique" .name) }}
{{- end }}
{{- $_ := set $seen .name true }}
{{- end }}
{{- end }}
