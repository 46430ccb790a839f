package dev.sextant.promql.template;

import dev.sextant.promql.template.Template.Action;
import dev.sextant.promql.template.Template.Arg;
import dev.sextant.promql.template.Template.Cmd;
import dev.sextant.promql.template.Template.Field;
import dev.sextant.promql.template.Template.Ident;
import dev.sextant.promql.template.Template.If;
import dev.sextant.promql.template.Template.Literal;
import dev.sextant.promql.template.Template.Node;
import dev.sextant.promql.template.Template.Pipe;
import dev.sextant.promql.template.Template.Range;
import dev.sextant.promql.template.Template.Sub;
import dev.sextant.promql.template.Template.Text;
import dev.sextant.promql.template.Template.Var;
import dev.sextant.promql.template.Template.With;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Executes one parsed template against one {@link TemplateData}. Values are Java objects standing for
 * Go's: {@code String}, {@code Double} (float64), {@code Long} (int), {@code Boolean}, {@code Map}
 * (label maps), {@code List} (query results), {@link TemplateData.QuerySample}, and null (nil).
 *
 * <p>Thread-safety: single use, confined to one thread.
 */
final class TemplateExecutor {
    private static final int MAX_OUTPUT = 1 << 20;

    private final String name;
    private final TemplateData data;
    private final List<String> varNames = new ArrayList<>();
    private final List<Object> varValues = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private int line;

    TemplateExecutor(String name, TemplateData data) {
        this.name = name;
        this.data = data;
        push("$", data);
        push("$labels", data.labels());
        push("$value", data.value());
        push("$externalLabels", data.externalLabels());
        push("$externalURL", data.externalURL());
    }

    TemplateData data() {
        return data;
    }

    String run(List<Node> nodes) throws TemplateException {
        walk(nodes, data);
        return out.toString();
    }

    TemplateException error(String msg) {
        return new TemplateException("template: " + name + ":" + line + ": executing \"" + name + "\": " + msg);
    }

    private void push(String n, Object v) {
        varNames.add(n);
        varValues.add(v);
    }

    private void truncate(int mark) {
        while (varNames.size() > mark) {
            varNames.remove(varNames.size() - 1);
            varValues.remove(varValues.size() - 1);
        }
    }

    private Object lookup(String n) throws TemplateException {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(n)) {
                return varValues.get(i);
            }
        }
        throw error("undefined variable: " + n);
    }

    private void set(String n, Object v) throws TemplateException {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(n)) {
                varValues.set(i, v);
                return;
            }
        }
        throw error("undefined variable: " + n);
    }

    private void walk(List<Node> nodes, Object dot) throws TemplateException {
        int mark = varNames.size();
        try {
            for (Node node : nodes) {
                walkOne(node, dot);
                if (out.length() > MAX_OUTPUT) {
                    throw error("output too long");
                }
            }
        } finally {
            truncate(mark);
        }
    }

    private void walkOne(Node node, Object dot) throws TemplateException {
        if (node instanceof Text t) {
            out.append(t.text());
        } else if (node instanceof Action a) {
            line = a.line();
            Object v = evalPipe(a.pipe(), dot);
            if (a.pipe().decls().isEmpty()) {
                out.append(GoFormat.formatValue(v));
            }
        } else if (node instanceof If i) {
            line = i.line();
            int mark = varNames.size();
            Object v = evalPipe(i.pipe(), dot);
            try {
                walk(truth(v) ? i.then() : i.otherwise(), dot);
            } finally {
                truncate(mark);
            }
        } else if (node instanceof With w) {
            line = w.line();
            int mark = varNames.size();
            Object v = evalPipe(w.pipe(), dot);
            try {
                if (truth(v)) {
                    walk(w.body(), v);
                } else {
                    walk(w.otherwise(), dot);
                }
            } finally {
                truncate(mark);
            }
        } else if (node instanceof Range r) {
            walkRange(r, dot);
        }
    }

    private void walkRange(Range r, Object dot) throws TemplateException {
        line = r.line();
        int mark = varNames.size();
        List<String> decls = r.pipe().decls();
        Pipe bare = new Pipe(List.of(), false, r.pipe().cmds());
        Object v = evalPipe(bare, dot);
        try {
            List<Object[]> items = new ArrayList<>();
            if (v instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    items.add(new Object[] {(long) i, l.get(i)});
                }
            } else if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    items.add(new Object[] {e.getKey(), e.getValue()});
                }
            } else if (v instanceof Long n) {
                for (long i = 0; i < n; i++) {
                    items.add(new Object[] {i, i});
                }
            } else if (v != null) {
                throw error("range can't iterate over " + GoFormat.formatValue(v));
            }
            if (items.isEmpty()) {
                walk(r.otherwise(), dot);
                return;
            }
            for (Object[] kv : items) {
                int inner = varNames.size();
                if (decls.size() == 1) {
                    push(decls.get(0), kv[1]);
                } else if (decls.size() == 2) {
                    push(decls.get(0), kv[0]);
                    push(decls.get(1), kv[1]);
                }
                walk(r.body(), kv[1]);
                truncate(inner);
            }
        } finally {
            truncate(mark);
        }
    }

    static boolean truth(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true;
    }

    Object evalPipe(Pipe pipe, Object dot) throws TemplateException {
        Object value = null;
        boolean first = true;
        for (Cmd cmd : pipe.cmds()) {
            value = evalCmd(cmd, dot, first ? NO_FINAL : value);
            first = false;
        }
        if (!pipe.decls().isEmpty()) {
            String n = pipe.decls().get(0);
            if (pipe.assign()) {
                set(n, value);
            } else {
                push(n, value);
            }
        }
        return value;
    }

    private static final Object NO_FINAL = new Object();

    private Object evalCmd(Cmd cmd, Object dot, Object fin) throws TemplateException {
        Arg head = cmd.args().get(0);
        if (head instanceof Ident id) {
            List<Object> args = new ArrayList<>(cmd.args().size());
            for (int i = 1; i < cmd.args().size(); i++) {
                args.add(evalArg(cmd.args().get(i), dot));
            }
            if (fin != NO_FINAL) {
                args.add(fin);
            }
            return call(id.name(), args);
        }
        if (cmd.args().size() > 1 || fin != NO_FINAL) {
            throw error("can't give argument to non-function " + describe(head));
        }
        return evalArg(head, dot);
    }

    private Object call(String fn, List<Object> args) throws TemplateException {
        try {
            return TemplateFunctions.call(fn, args, this);
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw error("error calling " + fn + ": " + e.getMessage());
        }
    }

    private static String describe(Arg a) {
        if (a instanceof Var v) {
            return v.name() + (v.fields().isEmpty() ? "" : "." + String.join(".", v.fields()));
        }
        if (a instanceof Literal l) {
            return GoFormat.formatValue(l.value());
        }
        return a.toString();
    }

    private Object evalArg(Arg a, Object dot) throws TemplateException {
        if (a instanceof Literal l) {
            return l.value();
        }
        if (a instanceof Var v) {
            return fields(lookup(v.name()), v.fields());
        }
        if (a instanceof Field f) {
            return fields(dot, f.fields());
        }
        if (a instanceof Sub s) {
            int mark = varNames.size();
            try {
                return fields(evalPipe(s.pipe(), dot), s.fields());
            } finally {
                truncate(mark);
            }
        }
        if (a instanceof Ident id) {
            return call(id.name(), List.of());
        }
        throw error("unexpected operand");
    }

    private Object fields(Object v, List<String> names) throws TemplateException {
        for (String f : names) {
            v = field(v, f);
        }
        return v;
    }

    private Object field(Object v, String f) throws TemplateException {
        if (v instanceof Map<?, ?> m) {
            Object r = m.get(f);
            return r == null ? "" : r; // Prometheus executes with missingkey=zero
        }
        if (v instanceof TemplateData d) {
            switch (f) {
                case "Labels" -> {
                    return d.labels();
                }
                case "Value" -> {
                    return d.value();
                }
                case "ExternalLabels" -> {
                    return d.externalLabels();
                }
                case "ExternalURL" -> {
                    return d.externalURL();
                }
                default -> { }
            }
        }
        if (v instanceof TemplateData.QuerySample s) {
            if (f.equals("Labels")) {
                return s.labels();
            }
            if (f.equals("Value")) {
                return s.value();
            }
        }
        if (v == null) {
            throw error("nil pointer evaluating ." + f);
        }
        throw error("can't evaluate field " + f + " in type " + GoFormat.typeName(v));
    }
}
