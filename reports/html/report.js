/*
 * boxaudit HTML report: filters for the checks table.  Host data is never
 * turned into markup here: rows are shown or hidden, text is compared, and
 * the only thing written is a count, as textContent.
 */
(function () {
	"use strict";
	var form = document.getElementById("filters");
	var rows = Array.prototype.slice.call(document.querySelectorAll("table.checks > tbody > tr.check"));
	var shown = document.getElementById("shown");
	function val(name) {
		return form.elements[name].value;
	}
	function apply() {
		var st = val("status"), sec = val("section"), lvl = val("level");
		var q = val("q").trim().toLowerCase();
		var n = 0;
		rows.forEach(function (r) {
			var ok = (!st || r.dataset.status === st) &&
				(!sec || r.dataset.section === sec) &&
				(!lvl || r.dataset.level === lvl) &&
				(!q || r.textContent.toLowerCase().indexOf(q) >= 0);
			r.hidden = !ok;
			if (ok)
				n++;
		});
		shown.textContent = n + " of " + rows.length + " checks shown";
	}
	form.addEventListener("input", apply);
	form.addEventListener("change", apply);
	form.addEventListener("submit", function (e) { e.preventDefault(); });
	window.addEventListener("beforeprint", function () {
		document.querySelectorAll("details").forEach(function (d) { d.open = true; });
	});
	apply();
}());
