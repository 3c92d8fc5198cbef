package org.patgate.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Small numeric helpers for the reports. Stateless. */
final class Stats {

    private Stats() {}

    /** The median; the mean of the two middle values for an even count. NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Fixed-point with {@code decimals} digits, "n/a" for NaN or infinity. */
    static String format(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** "0.82×" style ratio, "n/a" when either side is missing or zero. */
    static String ratio(double numerator, double denominator) {
        if (Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0) {
            return "n/a";
        }
        return format(numerator / denominator, 2) + "×";
    }
}
