package com.fluxrouter.billing.it;

import com.fluxrouter.billing.bench.Bench;
import com.fluxrouter.billing.bench.Report;
import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code bench} end to end at tiny sizes, on its own local broker: every measurement runs, the table is appended to
 * the document, and its figures are the ones measured: each row's median is the figure its run printed, each count
 * is the number of records or accounts the options asked for, each ratio is the quotient of its two figures and each
 * target's verdict follows from its figure. Figures are printed rounded, so a quotient is checked to within what the
 * rounding of its operands allows. Nothing is asserted about speed.
 */
class BenchIT {
    private static final int STREAMS_RECORDS = 3_000;
    private static final int REPLAY_REQUESTS = 2_000;
    private static final int SCALE_REQUESTS = 2_000;
    /** The fixed-rate latency runs' load: small, so the tiny runs keep up with it on a busy CI machine. */
    private static final int FIXED_RATE = 500;
    /** Accounts with plans in every bench workload: their plan lines are part of replay's input. */
    private static final int PLANNED_ACCOUNTS = 1_000;
    /** Records of the published catalog (6 models, 3 rates), which replay may count among its inputs. */
    private static final int CATALOG = 9;
    private static final String NUMBER = "(-?[\\d,]+(?:\\.\\d+)?)";
    /** A figure of a latency run as printed: NaN when the run had no sample. */
    private static final String FIGURE = "(NaN|-?[\\d,]+(?:\\.\\d+)?)";
    private static final Pattern ROW = Pattern.compile("^\\| \\d \\| (.+?) \\| (.+?) \\| .*\\|$", Pattern.MULTILINE);
    private static final Pattern TARGET = Pattern.compile("^\\| (.+?) \\| (.+?) \\| (yes|\\*\\*no\\*\\*|not established) \\|$",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    private static final String FLOOR = "dedup floor, exactly_once_v2 (3,000 records; a RocksDB store of request ids"
            + " with its changelog, one get and one put, one output each)";

    @Test
    void tableFiguresAreTheMeasuredOnesAndItsRatiosAndTargetsFollowFromThem() throws Exception {
        Path doc = dir.resolve("performance.md");
        Files.writeString(doc, "# Performance\n");
        // Statuses at most once a second per account for usage alone, so that runs of a few seconds emit some.
        Bench.Options options = new Bench.Options(1, 5_000, STREAMS_RECORDS, Duration.ofSeconds(4), Duration.ofSeconds(1),
                FIXED_RATE, REPLAY_REQUESTS, SCALE_REQUESTS, List.of(100, 3_000), 2, 7, null, doc, dir.resolve("work"),
                "bench (BenchIT)", Map.of(BillingConfig.STATUS_INTERVAL, "PT1S"), Duration.ZERO, false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Report report = new Bench(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        String progress = printed.toString(StandardCharsets.UTF_8);
        assertThat(progress).as("no warm-up runs when the options leave them out").doesNotContain("warm-up");
        String table = report.table();
        assertThat(Files.readString(doc)).isEqualTo("# Performance\n\n" + table);
        assertThat(table).contains("`bench (BenchIT)`", "1 run(s) of each", "2 partitions");
        assertThat(dir.resolve("work")).doesNotExist();
        Map<String, String> rows = rows(table);
        Map<String, String[]> targets = targets(table);
        assertThat(rows).containsKeys("broker: plain producer, acks=all",
                "broker: consume-and-produce copy loop, acks=all",
                "Streams pass-through, exactly_once_v2 (3,000 records)", FLOOR,
                "dedup floor: records written per input (output + changelog, with transaction markers)",
                "**pipeline / dedup floor**",
                "pipeline sustained, exactly_once_v2 (3,000 requests, 1,000 accounts)",
                "**pipeline / pass-through**", "**pipeline / copy loop**",
                "records written per request: flux.requests.priced",
                "replay of 2,000 requests from files", "replay of 2,000 requests, wall time",
                "pass-through processor on the same driver", "**replay / pass-through driver**",
                "dedup floor on the same driver (one get and one put by request id, one output)",
                "**replay / dedup floor on the same driver**", "**dedup floor / pass-through driver**",
                "pipeline at 100 accounts (2,000 requests, evenly spread)",
                "pipeline at 3,000 accounts (2,000 requests, evenly spread)",
                "pipeline at 3,000 accounts (3,000 requests, evenly spread)", "**" + SCALING_TARGET_RATIO + "**",
                "**" + SCALING_OTHER_RATIO + "**",
                "RocksDB account-months per 1,000 account-months (3,000 held)",
                "RocksDB request ids per 1M ids (accepted-request-ids + billing-deadlines, 3,000 held)");
        assertThat(targets).containsKeys("pipeline >= 60 % of the dedup floor", "pipeline >= 25 % of the pass-through",
                "p99 produce-to-SpendAlert <= 500 ms at half the sustained rate",
                "p99 produce-to-SpendStatus <= 500 ms at half the sustained rate",
                "p99 produce-to-SpendAlert <= 500 ms at 500/s", "p99 produce-to-SpendStatus <= 500 ms at 500/s",
                "replay: 1,000,000 requests in <= 12 s", SCALING_TARGET);

        // Broker ceiling and Streams throughput: the medians of one run are that run's figures.
        Matcher broker = find(progress, "broker run 1: producer " + NUMBER + " records/s, copy loop " + NUMBER);
        double producer = number(broker.group(1));
        double copyLoop = number(broker.group(2));
        assertThat(number(rows.get("broker: plain producer, acks=all"))).isCloseTo(producer, within(0.5));
        assertThat(number(rows.get("broker: consume-and-produce copy loop, acks=all"))).isCloseTo(copyLoop, within(0.5));
        Matcher streams = find(progress, "streams run 1: pass-through " + NUMBER + " records/s .*, dedup floor "
                + NUMBER + " records/s .*, pipeline " + NUMBER + " requests/s");
        double passThrough = number(streams.group(1));
        double floor = number(streams.group(2));
        double pipeline = number(streams.group(3));
        assertThat(number(rows.get(FLOOR))).isCloseTo(floor, within(0.5));
        // The floor writes one output and one changelog record per input, plus a few transaction markers.
        assertThat(number(rows.get("dedup floor: records written per input (output + changelog, with transaction markers)")))
                .isBetween(2.0, 2.5);
        assertThat(number(rows.get("Streams pass-through, exactly_once_v2 (3,000 records)"))).isCloseTo(passThrough,
                within(0.5));
        assertThat(number(rows.get("pipeline sustained, exactly_once_v2 (3,000 requests, 1,000 accounts)")))
                .isCloseTo(pipeline, within(0.5));
        assertRatio(rows, "pipeline / pass-through", pipeline, passThrough);
        assertRatio(rows, "pipeline / dedup floor", pipeline, floor);
        assertRatio(rows, "pipeline / copy loop", pipeline, copyLoop);
        assertTarget(targets, "pipeline >= 60 % of the dedup floor", percent(rows.get("**pipeline / dedup floor**")), 60);
        assertTarget(targets, "pipeline >= 25 % of the pass-through", percent(rows.get("**pipeline / pass-through**")), 25);
        assertThat(number(rows.get("records written per request: flux.requests.priced")))
                .as("every request priced (transaction markers come on top)").isGreaterThanOrEqualTo(1.0);
        // The sustained runs forget no id; at steady state (completed over 12 h, a 1 h window) the walk of the id
        // store forgets an id within a third of a window after its window has passed (AcceptedIdSweep), so those
        // accepted more than 1-2 h before the last request are (10 to 11 of the 12 h) and none of the last hour is:
        // each of them adds a tombstone to its changelog.
        assertThat(number(rows.get("records written per request: accepted-request-ids-changelog"))).isEqualTo(1.0);
        Matcher steady = find(progress, "steady-state run 1 \\(completed over PT12H, dedup window PT1H\\): " + NUMBER
                + " requests/s");
        assertThat(number(rows.get("pipeline at steady state (3,000 requests completed over PT12H, dedup window PT1H: "
                + "ids forgotten during the run)"))).isCloseTo(number(steady.group(1)), within(0.5));
        assertThat(number(rows.get("records written per request at steady state: accepted-request-ids-changelog")))
                .isBetween(1.0 + 10.0 / 12 - 0.05, 1.0 + 11.0 / 12 + 0.05);
        // The lever's "before" gives each id a FORGET_ID deadline: written once, deleted once when due (at the hour
        // after its acceptance plus the window, so for 10 of the 12 h): 1.8 to 1.9 records a request more in the
        // deadlines' changelog (10 + (60 - m) / 60 of the 12 h for a steadyEnd at minute m of its hour). The walk writes
        // none there: what remains are the closes, periods and statuses, the same in both runs since the plan changes
        // reach the meter before the requests (StreamsRuns.startPipeline; reaching it among them, at other places in
        // each run, they had the requests after them write a different number of STATUS deadlines, 516 in one run and
        // 387 in the other: 0.04 a request, more than this check has to spare near the end of an hour). The table shows
        // each figure to 0.1, so their difference is known to 0.1.
        String lever = "lever \"ids forgotten by a walk of the id store\" at steady state: ";
        double deadlinesWithout = number(rows.get(lever + "records written per request without it: "
                + "billing-deadlines-changelog"));
        double deadlinesWith = number(rows.getOrDefault("records written per request at steady state: "
                + "billing-deadlines-changelog", "0"));
        assertThat(deadlinesWithout - deadlinesWith).as("without %s, with %s", deadlinesWithout, deadlinesWith)
                .isBetween(1.0 + 10.0 / 12 - 0.1, 1.0 + 11.0 / 12 + 0.1);

        // Each lever's pair at 1,000 accounts: its own run with it beside its "before" (one repeat: the "after" first),
        // its rows the figures they printed, its ratios theirs, not row 3's pipeline run.
        for (Bench.Lever each : Bench.LEVERS) {
            String name = Pattern.quote(each.name());
            Matcher with = find(progress, "lever run 1, with " + name + ": " + NUMBER + " requests/s \\(" + NUMBER
                    + " µs CPU each\\)");
            Matcher without = find(progress, "lever run 1, without " + name + ": " + NUMBER + " requests/s \\("
                    + NUMBER + " µs CPU each\\)");
            assertThat(with.start()).as("%s: the after first in repeat 1", each.name()).isLessThan(without.start());
            String pair = "lever \"" + each.name() + "\": ";
            assertThat(number(rows.get(pair + "pipeline with it (after, beside each before), 3,000 requests")))
                    .as(each.name()).isCloseTo(number(with.group(1)), within(0.5));
            assertThat(number(rows.get(pair + "pipeline without it (before), 3,000 requests"))).as(each.name())
                    .isCloseTo(number(without.group(1)), within(0.5));
            assertRatio(rows, pair + "pipeline with it / without it", number(with.group(1)), number(without.group(1)));
            assertRatio(rows, pair + "with it / without it, by CPU per request",
                    number(rows.get(pair + "CPU of this JVM per request without it (before)")),
                    number(rows.get(pair + "CPU of this JVM per request with it (after)")));
        }

        // The pipeline over all its runs of the run's settings: row 3's and the levers' "afters", seven in one
        // repeat, their median (the fourth of seven) and its ratios against the same floor and pass-through.
        List<Double> everyRun = new java.util.ArrayList<>(List.of(pipeline));
        Matcher after = Pattern.compile("\\[bench\\] lever run 1, with .*?: " + NUMBER + " requests/s").matcher(progress);
        while (after.find()) {
            everyRun.add(number(after.group(1)));
        }
        assertThat(everyRun).hasSize(1 + Bench.LEVERS.size());
        everyRun.sort(Double::compare);
        double everyRunMedian = everyRun.get(everyRun.size() / 2);
        String overAll = "pipeline over all 7 runs of the run's settings (row 3's and each lever's after), 3,000 requests";
        assertThat(number(rows.get(overAll))).isCloseTo(everyRunMedian, within(0.5));
        assertRatio(rows, "pipeline over all its runs / dedup floor", everyRunMedian, floor);
        assertRatio(rows, "pipeline over all its runs / pass-through", everyRunMedian, passThrough);

        // Each progress line is stamped with the wall clock; a run during which the host paused is marked on its line
        // and listed under the table, and the header says how many (none, on most machines).
        assertThat(progress.lines().filter(line -> line.contains("[bench] "))).isNotEmpty()
                .allMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z \\[bench\\] .*"));
        long markedLines = progress.lines().filter(line -> line.contains("[host paused: ")).count();
        long listed = table.lines().filter(line -> line.matches("- \\d+\\.\\d s (paused|\\(wall clock stepped back\\)): .*"))
                .count();
        assertThat(listed).isEqualTo(markedLines);
        assertThat(table).contains(markedLines == 0 ? "; the host paused during no run\n"
                : "; the host paused during " + markedLines + " run(s), listed below the targets\n");

        // Latency is probed at half the sustained rate and at the fixed rate, each row and target the run's figure.
        String half = latencyRun(progress, "half the sustained rate", rows, targets, "at half the sustained rate");
        assertThat(number(half)).isCloseTo(pipeline / 2, within(1.0));
        String fixed = latencyRun(progress, "fixed", rows, targets, "at 500/s");
        assertThat(fixed).isEqualTo("500");
        // A latency lever's "before" runs beside each latency run (one repeat: before it); its rows are the figures it
        // printed, its ratios against the latency run at the same load.
        for (String load : List.of("half the sustained rate", "fixed")) {
            latencyLever(progress, rows, load);
        }

        // Replay: its figures, its extrapolation to 1,000,000 requests and its share of the pass-through driver and of
        // the dedup floor on it.
        Matcher replay = find(progress, "replay run 1 \\(replay first\\): " + NUMBER + " requests/s \\(" + NUMBER
                + " s, " + NUMBER + " s CPU, " + NUMBER + " s of it the metering thread's\\), pass-through " + NUMBER
                + " records/s \\(" + NUMBER + " s CPU\\), dedup floor " + NUMBER + " records/s \\(" + NUMBER + " s CPU\\)");
        double replayRate = number(replay.group(1));
        double replayDriver = number(replay.group(5));
        double replayFloor = number(replay.group(7));
        // CPU per 1,000,000 requests: the run's (printed to 0.1 s) times 500, this JVM's and the metering thread's.
        double replayPerMillion = 1e6 / REPLAY_REQUESTS;
        double jvmCpu = number(rows.get("replay: CPU time of this JVM per 1,000,000 requests (every thread: metering, "
                + "the input's read-ahead, GC, JIT)"));
        double threadCpu = number(rows.get("replay: CPU time of the metering thread per 1,000,000 requests"));
        assertThat(jvmCpu).isCloseTo(number(replay.group(3)) * replayPerMillion, within(0.05 * replayPerMillion + 0.5));
        assertThat(threadCpu).isCloseTo(number(replay.group(4)) * replayPerMillion, within(0.05 * replayPerMillion + 0.5))
                .isLessThanOrEqualTo(jvmCpu + 0.1 * replayPerMillion);
        assertThat(number(rows.get("replay of 2,000 requests from files"))).isCloseTo(replayRate, within(0.5));
        assertThat(rows.get("replay of 2,000 requests, wall time")).isEqualTo(replay.group(2));
        // The rate counts every record replay read, the 1,000 planned accounts' plan lines too (so it is records/s,
        // not requests/s, at this size): rate x wall time = requests + plans, to within the rounding of both.
        double wallTime = number(replay.group(2));
        assertThat(replayRate * wallTime).as("records replayed = rate x wall time")
                .isCloseTo(REPLAY_REQUESTS + PLANNED_ACCOUNTS, within(replayRate * 0.05 + wallTime * 0.5 + CATALOG));
        assertThat(number(rows.get("pass-through processor on the same driver"))).isCloseTo(replayDriver, within(0.5));
        assertRatio(rows, "replay / pass-through driver", replayRate, replayDriver);
        assertThat(number(rows.get("dedup floor on the same driver (one get and one put by request id, one output)")))
                .isCloseTo(replayFloor, within(0.5));
        assertRatio(rows, "replay / dedup floor on the same driver", replayRate, replayFloor);
        assertRatio(rows, "dedup floor / pass-through driver", replayFloor, replayDriver);
        // Every request is priced (one line each), and more is written besides (overage updates, statuses, invoice
        // lines, alerts): more than one record a request, against the floor's one.
        assertThat(number(rows.get("replay: records written per request, every output file (the dedup floor: 1)")))
                .isGreaterThan(1.0);
        String[] million = targets.get("replay: 1,000,000 requests in <= 12 s");
        Matcher extrapolated = Pattern.compile(NUMBER + " s \\(extrapolated\\)").matcher(million[0]);
        assertThat(extrapolated.matches()).as(million[0]).isTrue();
        double seconds = number(extrapolated.group(1));
        assertThat(seconds).isCloseTo(1_000_000 / replayRate, within(0.05 + seconds * 0.5 / replayRate + 0.001));
        assertThat(million[1]).isEqualTo(seconds <= 12 ? "yes" : "**no**");

        // Scaling: every account of each level billed (the most accounts also with the fewest's request count), the
        // level's figures, and the two ratios, the target's being the one where only the accounts vary.
        Map<String, Matcher> scaling = new LinkedHashMap<>();
        for (int[] level : new int[][] {{100, 2_000, 100}, {3_000, 2_000, 2_000}, {3_000, 3_000, 3_000}}) {
            String name = String.format(Locale.ROOT, "pipeline at %,d accounts (%,d requests, evenly spread)", level[0],
                    level[1]);
            Matcher run = find(progress, String.format(Locale.ROOT, "scaling run 1, %,d accounts \\(%,d requests, ",
                    level[0], level[1]) + NUMBER + " accounts billed\\): " + NUMBER + " requests/s, heap growth "
                    + NUMBER + " MiB, RSS growth " + FIGURE + " MiB");
            assertThat(number(run.group(1))).as("accounts billed: %s", name).isEqualTo((double) level[2]);
            assertThat(number(rows.get(name))).as(name).isCloseTo(number(run.group(2)), within(0.5));
            // Printed to 0.1 MiB; the row to 0.1 MiB below 100, to 1 MiB from 100.
            assertThat(number(rows.get(name + ": heap after GC, growth over the run"))).as(name)
                    .isCloseTo(number(run.group(3)), within(0.55));
            String rss = rows.get(name + ": RSS of the bench JVM, growth over the run");
            if (run.group(4).equals("NaN")) {
                assertThat(rss).as(name).isEqualTo("not measured");
            } else {
                assertThat(number(rss)).as(name).isCloseTo(number(run.group(4)), within(0.55));
            }
            scaling.put(name, run);
        }
        double fewest = number(scaling.get("pipeline at 100 accounts (2,000 requests, evenly spread)").group(2));
        double mostAlike = number(scaling.get("pipeline at 3,000 accounts (2,000 requests, evenly spread)").group(2));
        double mostAll = number(scaling.get("pipeline at 3,000 accounts (3,000 requests, evenly spread)").group(2));
        assertRatio(rows, SCALING_TARGET_RATIO, mostAlike, fewest);
        assertRatio(rows, SCALING_OTHER_RATIO, mostAll, fewest);
        // A scaling lever's "before" runs at the target's level (one repeat: after the level's run); its rows are the
        // figures it printed, its ratios against that level's own run.
        String name = "writes held until the commit, in place of the record cache";
        Matcher without = find(progress, "scaling lever run 1, 3,000 accounts \\(2,000 requests\\), without "
                + Pattern.quote(name) + ": " + NUMBER + " requests/s \\(" + NUMBER + " µs CPU each\\)");
        String scalingLever = "lever \"" + name + "\" at 3,000 accounts (2,000 requests): ";
        assertThat(number(rows.get(scalingLever + "pipeline without it (before)"))).isCloseTo(number(without.group(1)),
                within(0.5));
        assertThat(number(rows.get(scalingLever + "CPU of this JVM per request without it (before)")))
                .isCloseTo(number(without.group(2)), within(0.55)); // printed to 0.1 µs, the row to 1 µs from 100
        assertRatio(rows, scalingLever + "pipeline with it / without it", mostAlike, number(without.group(1)));
        assertRatio(rows, scalingLever + "with it / without it, by CPU per request",
                number(rows.get(scalingLever + "CPU of this JVM per request without it (before)")),
                number(rows.get("pipeline at 3,000 accounts (2,000 requests, evenly spread): CPU of this JVM per request")));
        assertTarget(targets, SCALING_TARGET, percent(rows.get("**" + SCALING_TARGET_RATIO + "**")), 80);

        // State and memory of the largest run (3,000 accounts, 3,000 requests): its heap and RSS growth per 1M of
        // what it held, 3,000 account-months and as many ids, so both "per" figures are the growth x 1M / 3,000.
        Matcher largest = scaling.get("pipeline at 3,000 accounts (3,000 requests, evenly spread)");
        String held = " (3,000 account-months and 3,000 ids held together)";
        double perMillion = 1e6 / 3_000;
        double heapGrowth = number(largest.group(3));
        for (String per : List.of("account-months", "remembered ids")) {
            assertThat(number(rows.get("heap after GC, growth over the run, per 1M " + per + held))).as(per)
                    .isCloseTo(heapGrowth * perMillion, within(0.05 * perMillion + 0.5));
            String rss = rows.get("RSS (VmRSS of the bench JVM, broker included), growth over the run, per 1M " + per
                    + held);
            if (largest.group(4).equals("NaN")) {
                assertThat(rss).isEqualTo("not measured");
            } else {
                assertThat(number(rss)).as(per).isCloseTo(number(largest.group(4)) * perMillion,
                        within(0.05 * perMillion + 0.5));
            }
        }
        if (!largest.group(4).equals("NaN")) {
            assertThat(number(rows.get("RSS of the bench JVM at the end of that run (after GC, stores open)")))
                    .isPositive();
        }
        assertThat(number(rows.get("heap committed at the end of that run (after GC, stores open), part of that RSS")))
                .isPositive();
    }

    private static final String SCALING_TARGET_RATIO =
            "at 3,000 / at 100 accounts, 2,000 requests each (the target's ratio: only the accounts vary)";
    private static final String SCALING_OTHER_RATIO = "at 3,000 accounts and 3,000 requests / at 100 accounts and "
            + "2,000 requests (accounts and remembered ids vary together)";
    private static final String SCALING_TARGET = "throughput at 3,000 accounts >= 80 % of that at 100, 2,000 requests each";

    /**
     * The latency run at one load: its rows (p50, p99, max of each output, the CPU) and its two targets are the
     * figures it printed; statuses were seen, and the status endpoint answered. Returns the rate as printed.
     */
    private static String latencyRun(String progress, String load, Map<String, String> rows,
                                     Map<String, String[]> targets, String inTarget) {
        String output = " p50 " + FIGURE + " p99 " + FIGURE + " max " + FIGURE + " ms \\(" + NUMBER + "\\)";
        Matcher run = find(progress, "latency run 1 at " + NUMBER + " requests/s \\(" + Pattern.quote(load)
                + "\\): overage" + output + "; alerts" + output + "; statuses" + output + "; CPU: bench JVM " + FIGURE
                + " cores busy, machine " + FIGURE + " of (\\d+); status endpoint p50 " + NUMBER + " p99 " + NUMBER
                + " max " + NUMBER + " ms \\(" + NUMBER + " found");
        String rate = run.group(1);
        String at = " at " + rate + "/s (" + load + ")";
        String[][] outputs = {{"OverageUpdate", "updates"}, {"SpendAlert", "alerts"}, {"SpendStatus", "statuses"}};
        for (int i = 0; i < outputs.length; i++) {
            String name = "produce -> " + outputs[i][0];
            String samples = run.group(5 + 4 * i);
            assertThat(rows.get(name + " p50" + at)).as(name).isEqualTo(asRow(run.group(2 + 4 * i)));
            assertThat(rows.get(name + " p99" + at)).as(name).isEqualTo(asRow(run.group(3 + 4 * i)));
            assertThat(rows.get(name + " max" + at + " (" + samples + " " + outputs[i][1] + ")")).as(name)
                    .isEqualTo(asRow(run.group(4 + 4 * i)));
        }
        assertThat(number(run.group(13))).as("statuses sampled at %s", load).isPositive();
        double jvm = number(run.group(14));
        String cores = run.group(16);
        assertThat(jvm).as("bench JVM cores busy").isPositive();
        assertThat(number(rows.get("CPU while offered" + at + ": bench JVM (broker, pipeline, load, consumers), cores busy")))
                .isCloseTo(jvm, within(0.051));
        String machine = rows.get("CPU while offered" + at + ": whole machine (/proc/stat), cores busy of " + cores);
        if (run.group(15).equals("NaN")) {
            assertThat(machine).isEqualTo("not measured");
        } else {
            assertThat(number(machine)).as("machine cores busy").isCloseTo(number(run.group(15)), within(0.051))
                    .isLessThanOrEqualTo(Double.parseDouble(cores) + 0.05);
        }
        String cpu = " at " + rate + "/s; CPU: bench JVM " + rows.get("CPU while offered" + at
                + ": bench JVM (broker, pipeline, load, consumers), cores busy") + " cores busy, machine " + machine
                + " of " + cores;
        for (int i : new int[] {1, 2}) {
            String[] target = targets.get("p99 produce-to-" + outputs[i][0] + " <= 500 ms " + inTarget);
            assertThat(target).as(outputs[i][0] + " " + inTarget).isNotNull();
            String p99 = run.group(3 + 4 * i);
            if (p99.equals("NaN")) {
                assertThat(target).containsExactly("not measured: no " + outputs[i][0] + " in the latency runs" + cpu,
                        "not established");
            } else {
                assertThat(target).containsExactly(p99 + " ms" + cpu, number(p99) <= 500 ? "yes" : "**no**");
            }
        }
        String endpoint = "GET /accounts/{account}/status p99 at 200 requests/s, pipeline" + at;
        // Printed to 0.1 ms; the row to 0.1 ms below 100 ms, to 1 ms from 100 ms (a loaded machine gets there).
        double endpointP99 = number(run.group(18));
        assertThat(number(rows.get(endpoint))).as(endpoint)
                .isCloseTo(endpointP99, within(endpointP99 >= 99.95 ? 0.55 : 0.05));
        assertThat(number(run.group(20))).as("status answers found at %s", load).isPositive();
        return rate;
    }

    /**
     * The held writes' "before" in the latency runs at one load: each output's p99 row is the figure that run printed,
     * and its ratio is that figure over the p99 of the latency run at the same load, or "not measured" when either
     * run saw none of that output.
     */
    private static void latencyLever(String progress, Map<String, String> rows, String load) {
        String name = "writes held until the commit, in place of the record cache";
        String output = " p50 " + FIGURE + " p99 " + FIGURE + " max " + FIGURE + " ms \\(" + NUMBER + "\\)";
        String after = "\\): overage" + output + "; alerts" + output + "; statuses" + output + "; CPU: bench JVM "
                + FIGURE + " cores busy";
        Matcher with = find(progress, "latency run 1 at " + NUMBER + " requests/s \\(" + Pattern.quote(load) + after);
        // The "before" run printed the settings it ran with: the run's own and the lever's, the held writes off.
        Matcher without = find(progress, "latency run 1 without \"" + Pattern.quote(name)
                + "\" \\(flux\\.billing\\.status-interval=PT1S, flux\\.billing\\.write-behind-entries=0\\) at "
                + NUMBER + " requests/s \\(" + Pattern.quote(load) + after);
        assertThat(without.group(1)).as("the same offered load").isEqualTo(with.group(1));
        String lever = "lever \"" + name + "\" at " + with.group(1) + "/s (" + load + "): ";
        String[] outputs = {"SpendAlert", "SpendStatus"};
        for (int i = 0; i < outputs.length; i++) {
            String p99With = with.group(7 + 4 * i);
            String p99Without = without.group(7 + 4 * i);
            assertThat(rows.get(lever + "produce -> " + outputs[i] + " p99 without it (before)")).as(outputs[i])
                    .isEqualTo(asRow(p99Without));
            String ratio = lever + "p99 produce -> " + outputs[i] + ", without it / with it";
            if (p99With.equals("NaN") || p99Without.equals("NaN")) {
                assertThat(rows.get("**" + ratio + "**")).as(ratio).isEqualTo("**not measured**");
            } else {
                assertRatio(rows, ratio, number(p99Without), number(p99With));
            }
        }
        assertThat(number(rows.get(lever + "CPU while offered without it (before), bench JVM, cores busy")))
                .isCloseTo(number(without.group(14)), within(0.051));
    }

    /** A latency printed by a run (a whole number of ms, or NaN) as its row shows it in one run. */
    private static String asRow(String printed) {
        if (printed.equals("NaN")) {
            return "not measured";
        }
        double value = number(printed);
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** Measurement to median, as printed. */
    private static Map<String, String> rows(String table) {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher row = ROW.matcher(table);
        while (row.find()) {
            rows.put(row.group(1), row.group(2));
        }
        return rows;
    }

    /** Target to its result and verdict. */
    private static Map<String, String[]> targets(String table) {
        Map<String, String[]> targets = new LinkedHashMap<>();
        Matcher target = TARGET.matcher(table.substring(table.indexOf("| target | result | met |")));
        while (target.find()) {
            targets.put(target.group(1), new String[] {target.group(2), target.group(3)});
        }
        return targets;
    }

    private static Matcher find(String progress, String regex) {
        Matcher matcher = Pattern.compile("\\[bench\\] " + regex).matcher(progress);
        assertThat(matcher.find()).as("printed: %s%n%s", regex, progress).isTrue();
        return matcher;
    }

    /**
     * The ratio row is the quotient of the two figures, as a whole percentage: the figures are printed to the unit,
     * so the quotient of the printed ones is off by at most their rounding, plus the percentage's own half unit.
     */
    private static void assertRatio(Map<String, String> rows, String ratio, double numerator, double denominator) {
        double quotient = 100 * numerator / denominator;
        double slack = 0.5 + quotient * (0.5 / numerator + 0.5 / denominator) + 0.01;
        assertThat(percent(rows.get("**" + ratio + "**"))).as(ratio).isCloseTo(quotient, within(slack));
    }

    /** A target's result is its ratio's percentage, met exactly when that reaches the bound. */
    private static void assertTarget(Map<String, String[]> targets, String target, double percent, int bound) {
        String[] result = targets.get(target);
        assertThat(result).as(target).isNotNull();
        assertThat(percent(result[0])).as(target).isEqualTo(percent);
        if (percent != bound) { // a printed 60 % may be 59.6 %, which misses 60 %
            assertThat(result[1]).as(target).isEqualTo(percent > bound ? "yes" : "**no**");
        }
    }

    private static double percent(String cell) {
        Matcher matcher = Pattern.compile("\\**(\\d+) %\\**").matcher(cell);
        assertThat(matcher.matches()).as(cell).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static double number(String printed) {
        return Double.parseDouble(printed.replace(",", ""));
    }
}
