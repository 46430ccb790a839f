/**
 * The subset of Go's {@code text/template} that Prometheus rule files use, with Prometheus's template
 * functions and Go's {@code fmt} number formatting. Templates are parsed when a rule file loads
 * ({@link dev.sextant.promql.template.Template#parse}), so unsupported constructs reject the file;
 * execution never throws anything but {@link dev.sextant.promql.template.TemplateException}.
 */
package dev.sextant.promql.template;
