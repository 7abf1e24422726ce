{{/* Name of the service (the chart is named after it). */}}
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the Kubernetes objects. */}}
{{- define "app.fullname" -}}
{{- default (include "app.name" .) .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The version the service runs: the tag of image.ref when a deployer sets it (the lock's version), else the
values' tag, else the chart's appVersion (what the build pipeline packaged it with). */}}
{{- define "app.version" -}}
{{- $tag := "" -}}
{{- with .Values.image.ref -}}
{{- $tag = splitList "@" . | first | splitList ":" | last -}}
{{- if or (eq $tag (splitList "@" . | first)) (contains "/" $tag) }}{{ $tag = "" }}{{ end -}}
{{- end -}}
{{- $tag | default .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* The image: image.ref as given, else repository:version[@digest]. */}}
{{- define "app.image" -}}
{{- with .Values.image.ref -}}
{{ . }}
{{- else -}}
{{ .Values.image.repository }}:{{ include "app.version" . }}{{ with .Values.image.digest }}@{{ . }}{{ end }}
{{- end -}}
{{- end -}}

{{/* Labels that select the pods; they must never change after the first install. */}}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "app.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.platform }}
app.kubernetes.io/part-of: {{ . }}
{{- end }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* Labels of this service's pods, as a NetworkPolicy or a topology spread selects them. */}}
{{- define "app.podSelector" -}}
matchLabels:
  {{- include "app.selectorLabels" . | nindent 2 }}
{{- end -}}

{{/* The pod template of the Deployment (rolling) or the Rollout (blue-green, canary). The grace period covers
the preStop sleep (the endpoints controller removes the pod meanwhile), the service's own drain (DRAIN_SECONDS:
/readyz answers 503 while requests are still served) and 10 s to finish what is in flight. */}}
{{- define "app.podTemplate" -}}
metadata:
  labels:
    {{- include "app.labels" . | nindent 4 }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "app.fullname" . }}
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ add .Values.drain.preStopSeconds .Values.drain.seconds 10 }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ include "app.name" . }}
      image: {{ include "app.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ .Values.service.port }}
          protocol: TCP
      env:
        - name: PORT
          value: {{ .Values.service.port | quote }}
        - name: SERVICE_NAME
          value: {{ include "app.name" . | quote }}
        - name: SERVICE_VERSION
          value: {{ include "app.version" . | quote }}
        - name: DRAIN_SECONDS
          value: {{ .Values.drain.seconds | quote }}
        {{- range $name, $value := .Values.env }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
        {{- range $name, $ref := .Values.secretEnv }}
        - name: {{ $name }}
          valueFrom:
            secretKeyRef:
              name: {{ $ref.secret }}
              key: {{ $ref.key }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 2
        failureThreshold: 30
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 10
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: 2
        failureThreshold: 1
      lifecycle:
        preStop:
          sleep:
            seconds: {{ .Values.drain.preStopSeconds }}
      securityContext:
        runAsNonRoot: true
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities:
          drop:
            - ALL
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      volumeMounts:
        # The root filesystem is read-only; give the runtime a writable /tmp.
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
  {{- if gt (int .Values.replicaCount) 1 }}
  topologySpreadConstraints:
    {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
    - maxSkew: 1
      topologyKey: {{ . }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        {{- include "app.podSelector" $ | nindent 8 }}
    {{- end }}
  {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
