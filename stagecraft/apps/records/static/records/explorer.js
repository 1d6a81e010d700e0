/* The admin's query explorer (stagecraft/apps/records/views/admin_query.py): draws the answer's
   chart with Chart.js (vendored in stagecraft/static/vendor/chartjs/) from the JSON the page holds in
   <script id="explorer-chart-data" type="application/json">, and copies the curl line. A static
   file, not an inline script, so that the page works under a Content Security Policy. */
(function () {
  "use strict";

  var COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#5694ca",
                 "#912b88", "#28a197", "#6f72af", "#85994b", "#626a6e"];

  function drawChart() {
    var source = document.getElementById("explorer-chart-data");
    var canvas = document.getElementById("explorer-chart");
    if (!source || !canvas || typeof Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (series, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: series.label,
        data: series.data,
        borderColor: colour,
        backgroundColor: colour,
        spanGaps: false,
        tension: 0
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true } }
      }
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select and copy the line";
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    copyButtons();
  });
})();
