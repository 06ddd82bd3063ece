// Suggestions for the filter forms' text boxes marked data-autocomplete="force" (offensive, side,
// person, place): a <datalist> filled from the form's data-autocomplete-url as the reader types.
// Progressive: without this script the boxes take a name, an alias or a slug all the same.
// A static file, never inline: the Content-Security-Policy allows scripts from this origin only.
(function () {
  "use strict";

  var DELAY_MS = 200;

  function attach(input, url) {
    var list = document.createElement("datalist");
    var timer = null;
    var asked = "";
    list.id = input.id + "-suggestions";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);

    function fill(results) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      results.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.value;       // what the box submits (a slug, a side's id)
        option.label = item.label;       // what the reader reads
        option.textContent = item.label; // text, never markup
        list.appendChild(option);
      });
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < 2 || query === asked) {
        return;
      }
      asked = query;
      var params = new URLSearchParams({ kind: input.dataset.autocomplete, q: query });
      fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) { fill(data.results || []); } })
        .catch(function () { /* no suggestions: the box still takes names */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
  }

  document.querySelectorAll("form[data-autocomplete-url]").forEach(function (form) {
    var url = form.dataset.autocompleteUrl;
    form.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
      attach(input, url);
    });
  });
}());
