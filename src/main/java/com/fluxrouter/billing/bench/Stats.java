package com.fluxrouter.billing.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one figure: the median is reported, the spread says how far apart the runs were. */
record Stats(List<Double> values) {
    Stats {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurement");
        }
        values = List.copyOf(values);
    }

    static Stats of(double... values) {
        List<Double> list = new ArrayList<>();
        for (double value : values) {
            list.add(value);
        }
        return new Stats(list);
    }

    /** A count over a wall-clock interval, per second; an interval of zero counts as one nanosecond. */
    static double perSecond(long count, long nanos) {
        return count * 1e9 / Math.max(1, nanos);
    }

    double median() {
        List<Double> sorted = sorted();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    double min() {
        return sorted().get(0);
    }

    double max() {
        return sorted().get(sorted().size() - 1);
    }

    /** (max - min) / median, as a percentage: 0 for a single run. */
    double spreadPercent() {
        double median = median();
        return median == 0 ? 0 : (max() - min()) / median * 100;
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
