"""The fleet-scale benchmark's own arithmetic: the median of repeated runs and the target table (issue 24)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

import fleet_scale as F  # noqa: E402


def run(cpu_s, tenants=1000, label="no-op converge, role in a user's play", requests=(4, 4), writes=0, tokens=(1, 1),
        wall_s=60.0, peak=700.0):
    return {"cpu_s": cpu_s, "wall_s": wall_s, "peak_tree_pss_mb": peak, "loadavg_before": [1.0, 1.0, 1.0], "rc": 0,
            "tenants": tenants, "label": label, "phase": "noop",
            "requests": {"avg": 4.0, "min": requests[0], "max": requests[1]}, "writes": {"avg": 0.0, "max": writes},
            "tokens": {"avg": 1.0, "min": tokens[0], "max": tokens[1]}}


def test_the_median_run_is_reported_with_the_worst_requests_and_memory_of_every_repetition():
    chosen = F.median_run([run(120.0, peak=900.0), run(90.0), run(100.0, requests=(4, 5))])
    assert chosen["cpu_s"] == 100.0
    assert chosen["requests"]["max"] == 5 and chosen["peak_tree_pss_mb"] == 900.0
    assert [r["cpu_s"] for r in chosen["repetitions"]] == [120.0, 90.0, 100.0]
    assert F._cpu_cell(chosen) == "0.100 (0.090-0.120, median of 3)"


def test_one_run_is_reported_as_it_is():
    chosen = F.median_run([run(90.0)])
    assert "repetitions" not in chosen and F._cpu_cell(chosen) == "0.090"


def checks(small_cpu_s, large_runs):
    found = F.target_checks({"runs": [run(small_cpu_s, tenants=100)]}, {"runs": [F.median_run(large_runs)]})
    return dict((what.split(": ", 1)[1], met) for what, value, met in found)


def test_targets_hold_for_a_flat_cost_and_fail_on_a_repetition_that_sent_a_fifth_request():
    found = checks(9.0, [run(100.0), run(101.0, requests=(4, 5)), run(99.0)])  # 0.090 -> 0.100 per tenant
    assert found["CPU-s per tenant <= 0.15"] and found["growth from 100 tenants <= 1.2x"]
    assert found["wall <= 120 s"] and found["peak memory <= 2 GB"]
    assert found["4 requests, 0 writes, 1 token for every tenant"] is False


def test_targets_fail_on_growth_from_100_to_1000_tenants():
    found = checks(8.0, [run(100.0)])  # 0.080 -> 0.100 per tenant: 1.25x
    assert found["CPU-s per tenant <= 0.15"] and not found["growth from 100 tenants <= 1.2x"]
