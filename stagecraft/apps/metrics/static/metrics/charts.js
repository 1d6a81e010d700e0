/* The health pages' charts, drawn with Chart.js (stagecraft/static/vendor/chartjs) from data the
   server writes with Django's json_script. No inline script: each chart is a
   <canvas data-chart="line|bar" data-series="<id of the JSON element>" data-label="..."
   data-y-title="..."> and this file draws every one of them. Times are UTC.

   Series: a line is [{"t": ISO time, "count": n, "recorded": bool}] (recorded false: the count now);
   bars are [{"start": ISO, "end": ISO, "count": n, "recorded": bool}] (recorded false: counted from
   the events for a part of the period no record covers yet).

   Each drawn canvas gets data-points (how many points or bars it shows), for the browser tests. */
"use strict";

(function () {
    const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    function two(n) {
        return String(n).padStart(2, "0");
    }

    function day(iso) {
        const d = new Date(iso);
        return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()];
    }

    function moment(iso) {
        const d = new Date(iso);
        return day(iso) + " " + d.getUTCFullYear() + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " UTC";
    }

    function cssVariable(name, fallback) {
        const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
        return value || fallback;
    }

    function colours() {
        return {
            line: cssVariable("--secondary", "#417690"),
            bar: cssVariable("--primary", "#79aec8"),
            pending: cssVariable("--border-color", "#ccc"),
            text: cssVariable("--body-quiet-color", "#666"),
            grid: cssVariable("--hairline-color", "#e8e8e8"),
        };
    }

    function axes(canvas, c) {
        const title = (text) => ({ display: true, text: text, color: c.text });
        return {
            x: {
                title: title(canvas.dataset.xTitle || "Day (UTC)"),
                ticks: { color: c.text, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 },
                grid: { color: c.grid },
            },
            y: {
                title: title(canvas.dataset.yTitle || "Count"),
                beginAtZero: true,
                ticks: { color: c.text, precision: 0 },
                grid: { color: c.grid },
            },
        };
    }

    function lineConfig(canvas, series, c) {
        return {
            type: "line",
            data: {
                labels: series.map((p) => (p.recorded ? day(p.t) : "now")),
                datasets: [{
                    label: canvas.dataset.label,
                    data: series.map((p) => p.count),
                    borderColor: c.line,
                    backgroundColor: c.line,
                    pointRadius: series.length > 40 ? 1.5 : 3,
                    tension: 0,
                }],
            },
            options: {
                plugins: {
                    tooltip: {
                        callbacks: {
                            title: (items) => {
                                const p = series[items[0].dataIndex];
                                return p.recorded ? moment(p.t) : "now (" + moment(p.t) + ")";
                            },
                        },
                    },
                },
            },
        };
    }

    function barConfig(canvas, series, c) {
        // Two stacked datasets, so the legend names both colours: the recorded periods, and the parts
        // of the period counted from the events because no record covers them yet.
        const datasets = [{
            label: canvas.dataset.label,
            data: series.map((b) => (b.recorded ? b.count : null)),
            backgroundColor: c.bar,
        }];
        if (series.some((b) => !b.recorded)) {
            datasets.push({
                label: "not recorded yet (counted from the events)",
                data: series.map((b) => (b.recorded ? null : b.count)),
                backgroundColor: c.pending,
            });
        }
        return {
            type: "bar",
            data: { labels: series.map((b) => day(b.start)), datasets: datasets },
            options: {
                plugins: {
                    tooltip: {
                        callbacks: {
                            title: (items) => {
                                const b = series[items[0].dataIndex];
                                return moment(b.start) + " to " + moment(b.end);
                            },

                        },
                    },
                },
            },
        };
    }

    function draw(canvas) {
        const source = document.getElementById(canvas.dataset.series);
        if (!source || typeof Chart === "undefined") {
            return;
        }
        const series = JSON.parse(source.textContent);
        const c = colours();
        const config = canvas.dataset.chart === "bar" ? barConfig(canvas, series, c) : lineConfig(canvas, series, c);
        config.options.responsive = true;
        config.options.maintainAspectRatio = false;
        config.options.animation = false;
        // Hovering anywhere over a day shows its figure, not only right on the point or bar.
        config.options.interaction = { mode: "index", intersect: false };
        config.options.scales = axes(canvas, c);
        if (config.type === "bar") {
            config.options.scales.x.stacked = true;
            config.options.scales.y.stacked = true;
        }
        config.options.plugins.legend = { display: true, labels: { color: c.text, boxWidth: 12 } };
        new Chart(canvas, config);
        canvas.dataset.points = String(series.length);
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("canvas[data-chart]").forEach(draw);
    });
})();
