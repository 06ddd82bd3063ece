/* The page's map (templates/includes/map.html, issue 17): the points of the JSON the server wrote
   (json_script), drawn with Leaflet over the tiles of settings.MAP_TILE_URL. The server's SVG of the
   same points stays hidden while the tiles load and comes back, with a note, when none can be loaded
   (offline, blocked or a tile server that is down). No inline style or script: Leaflet positions its
   panes through the CSSOM, which the Content-Security-Policy allows. */
(function () {
  "use strict";

  var GIVE_UP_MS = 8000;   // no tile loaded by then: the tiles are not coming

  function text(tag, className, content) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (content) el.textContent = content;
    return el;
  }

  function popup(point) {
    var box = text("div", "map-popup");
    var link = text("a", "", point.name);
    link.href = point.url;
    box.appendChild(link);
    if (point.kind === "place") {
      box.appendChild(text("span", "", " · " + point.events + (point.events === 1 ? " event" : " events")));
    } else {
      box.appendChild(text("span", "", " · the offensive's coordinates"));
    }
    return box;
  }

  function draw(figure) {
    var data = document.getElementById(figure.dataset.mapPoints);
    var url = figure.dataset.tileUrl;
    if (!data || !url || typeof L === "undefined") return;   // the SVG is the map
    var points = JSON.parse(data.textContent).points;
    if (!points.length) return;

    var canvas = text("div", "map-canvas");
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", "Interactive map of the places");
    figure.insertBefore(canvas, figure.firstChild);
    figure.classList.add("map-loading");

    var map = L.map(canvas, {scrollWheelZoom: false, attributionControl: true});
    var loaded = false, settled = false;
    var tiles = L.tileLayer(url, {maxZoom: 18, attribution: figure.dataset.tileAttribution || ""});

    function offline() {
      if (settled || loaded) return;
      settled = true;
      map.remove();
      canvas.remove();
      figure.classList.remove("map-loading");
      figure.classList.add("map-offline");
      var note = text("p", "map-note", "The map tiles could not be loaded: the places are drawn on a plain background.");
      note.setAttribute("role", "status");
      figure.insertBefore(note, figure.firstChild);
    }

    tiles.on("tileload", function () {
      if (settled) return;
      loaded = settled = true;
      figure.classList.remove("map-loading");
      figure.classList.add("map-live");
    });
    // "load": every tile of the view has finished, loaded or failed; none loaded means none will. The
    // map is taken down after the event (Leaflet still uses it in the handler's caller).
    tiles.on("load", function () { if (!loaded) window.setTimeout(offline, 0); });
    window.setTimeout(offline, GIVE_UP_MS);
    tiles.addTo(map);

    var most = points.reduce(function (m, p) { return Math.max(m, p.events || 0); }, 1);
    var bounds = [];
    points.forEach(function (p) {
      var place = p.kind === "place";
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: place ? 5 + 9 * Math.sqrt((p.events || 0) / most) : 8,
        className: "map-marker map-marker-" + p.kind,
        color: place ? "#7a1f1f" : "#1a1a1a", weight: place ? 1.5 : 3,
        fillColor: place ? "#b3261e" : "#ffffff", fillOpacity: place ? 0.7 : 0.4
      });
      marker.bindPopup(popup(p));
      marker.bindTooltip(p.name);
      marker.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 9);
    } else {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 11});
    }
    L.control.scale({imperial: false}).addTo(map);
  }

  function start() {
    var figures = document.querySelectorAll("figure[data-map-points]");
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
