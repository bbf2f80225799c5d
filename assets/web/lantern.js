/* lantern.js - optional progressive enhancement: sort tables in place without a page load.
 * Every table is already sortable on the server (the header links); this only saves a round trip
 * for tables marked data-sortable. Nothing depends on it. */
(function () {
  "use strict";
  function cellValue(td) {
    var v = td.getAttribute("data-sort");
    if (v === null) v = td.textContent.trim();
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
      if (x < y) return asc ? -1 : 1;
      if (x > y) return asc ? 1 : -1;
      return 0;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      if (c.hasAttribute("aria-sort")) c.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("table[data-sortable] thead th a");
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    var th = a.closest("th"), table = a.closest("table");
    ev.preventDefault();
    sortBy(table, th, th.cellIndex);
  });
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-print]");
    if (b) { ev.preventDefault(); window.print(); }
  });
  /* a file input with data-fill="ID" reads the chosen text file into the textarea ID, which the
     form posts: without this script the text is pasted */
  document.addEventListener("change", function (ev) {
    var input = ev.target, id = input.getAttribute && input.getAttribute("data-fill");
    var area = id && document.getElementById(id);
    if (!area || !input.files || !input.files[0] || !window.FileReader) return;
    var reader = new FileReader();
    reader.onload = function () { area.value = reader.result; };
    reader.readAsText(input.files[0]);
  });
})();
