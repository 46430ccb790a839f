package dev.sextant.promql.function;

/** A function applied to each sample value of an instant vector, with scalar parameters. */
@FunctionalInterface
public interface ElementFunction {
    double apply(double v, double[] params);
}
