// The marks are in the HTML; the filters hide findings and recompute every mark from the findings still
// shown, and a click on a highlighted element shows its findings in the detail panel. Texts are copied
// as DOM nodes, never re-parsed as HTML.
(function () {
  "use strict";
  var order = {info: 1, warning: 2, error: 3};
  var findings = {};
  document.querySelectorAll("li.finding").forEach(function (li) { findings[li.id] = li; });
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var hide = [];
  if (location.hash.indexOf("#hide=") === 0) {
    hide = decodeURIComponent(location.hash.slice(6)).split(",");
  }
  boxes.forEach(function (box) {
    if (hide.indexOf(box.value) >= 0) { box.checked = false; }
    box.addEventListener("change", apply);
  });
  function live(el) {
    return el.getAttribute("data-findings").split(" ").map(function (id) { return findings[id]; })
      .filter(function (li) { return li && !li.hidden; });
  }
  function tip(li) {
    var head = li.querySelector(".head").textContent;
    return head + "\n" + li.querySelector(".message").textContent;
  }
  function apply() {
    var on = {};
    boxes.forEach(function (box) { if (box.checked) { on[box.getAttribute("data-filter") + ":" + box.value] = true; } });
    Object.keys(findings).forEach(function (id) {
      var li = findings[id];
      li.hidden = !(on["severity:" + li.getAttribute("data-severity")] && on["rule:" + li.getAttribute("data-rule")]);
    });
    document.querySelectorAll("[data-findings]").forEach(function (el) {
      var active = live(el);
      el.classList.remove("hit", "sev-error", "sev-warning", "sev-info");
      if (active.length) {
        var worst = active.map(function (li) { return li.getAttribute("data-severity"); })
          .sort(function (a, b) { return order[b] - order[a]; })[0];
        el.classList.add("hit", "sev-" + worst);
        el.title = active.map(tip).join("\n\n");
      } else {
        el.removeAttribute("title");
      }
    });
  }
  var panel = document.getElementById("detail");
  var content = panel.querySelector(".content");
  panel.querySelector(".close").addEventListener("click", function () { panel.hidden = true; });
  function unfold(el) {  // a batch folds its tables: open the one a link points into (not every browser does)
    for (var details = el.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
  }
  function focus(el) {
    document.querySelectorAll(".focus").forEach(function (other) { other.classList.remove("focus"); });
    el.classList.add("focus");
  }
  function show(el) {
    var active = live(el);
    if (!active.length) { return; }
    focus(el);
    content.textContent = "";
    var place = document.createElement("p");
    place.className = "where";
    place.textContent = "〔" + el.getAttribute("data-source") + "〕 “" + el.textContent + "”";
    content.appendChild(place);
    var list = document.createElement("ol");
    active.forEach(function (li) {
      var copy = li.cloneNode(true);
      copy.removeAttribute("id");
      list.appendChild(copy);
    });
    content.appendChild(list);
    panel.hidden = false;
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-findings]");
    if (el && el.classList.contains("hit")) { show(el); return; }
    var link = event.target.closest("a.place");
    if (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { unfold(target); focus(target); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".hit")) { show(event.target); }
    if (event.key === "Escape") { panel.hidden = true; }
  });
  apply();
  document.documentElement.setAttribute("data-filtered", "yes");  // tells a test that the script ran
})();
