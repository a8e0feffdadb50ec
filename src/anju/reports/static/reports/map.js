/* The house map (Leaflet + Leaflet.markercluster). Points come from the scoped JSON endpoint
   as compact rows [id, lat, lng, grade, alert]; without a tile URL the houses are drawn on a
   plain background, so the map works offline. Colours are CSS classes (no inline styles). */
(function () {
  "use strict";

  var GRADES = { A: "A 级", B: "B 级", C: "C 级", D: "D 级", unrated: "未鉴定" };

  function start() {
    var box = document.getElementById("house-map");
    var status = document.getElementById("map-status");
    if (!box || !window.L || !L.markerClusterGroup) { return; }
    var config = JSON.parse(document.getElementById("map-config").textContent);
    // markercluster needs the map's own maxZoom when there is no tile layer to give one.
    var map = L.map(box, { attributionControl: !!config.tiles, zoomSnap: 0.5, maxZoom: 18 });
    if (config.tiles) {
      L.tileLayer(config.tiles.url, {
        subdomains: config.tiles.subdomains, attribution: config.tiles.attribution, maxZoom: 18
      }).addTo(map);
    } else {
      box.classList.add("house-map-plain");
    }
    L.control.scale({ imperial: false }).addTo(map);

    var icons = {};
    function icon(grade, alert) {
      var key = grade + (alert ? ":alert" : "");
      if (!icons[key]) {
        icons[key] = L.divIcon({
          className: "house-pt grade-" + grade + (alert ? " house-pt-alert" : ""),
          iconSize: alert ? [16, 16] : [12, 12]
        });
      }
      return icons[key];
    }

    var clusters = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45,
      iconCreateFunction: function (cluster) {
        var alert = cluster.getAllChildMarkers().some(function (m) { return m.options.alert; });
        var n = cluster.getChildCount();
        var size = n < 100 ? 30 : n < 1000 ? 38 : 46;
        var label = document.createElement("span");
        label.textContent = n;
        return L.divIcon({
          html: label.outerHTML, iconSize: [size, size],
          className: "house-cluster" + (alert ? " house-cluster-alert" : "")
        });
      }
    });

    function popup(p) {
      var link = document.createElement("a");
      link.href = config.house_url.replace("/0/", "/" + p[0] + "/");
      link.textContent = "查看房屋记录";
      var wrap = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = (GRADES[p[3]] || p[3]) + (p[4] ? " · 危房住人" : "");
      wrap.appendChild(title);
      wrap.appendChild(document.createElement("br"));
      wrap.appendChild(link);
      return wrap;
    }

    fetch(config.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      })
      .then(function (data) {
        var markers = data.points.map(function (p) {
          var m = L.marker([p[1], p[2]], {
            icon: icon(p[3], p[4]), alert: !!p[4], title: (GRADES[p[3]] || p[3]) + (p[4] ? "，危房住人" : "")
          });
          m.bindPopup(function () { return popup(p); });
          return m;
        });
        // The view first: a cluster group is laid out for the map's zoom when it is added.
        if (markers.length) {
          var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
        } else {
          map.setView([35, 105], 4);
        }
        clusters.addLayers(markers);
        map.addLayer(clusters);
        var text = markers.length ? "共 " + markers.length + " 栋有坐标的房屋" : "没有带坐标的房屋";
        if (data.dangerous_only) { text += "（只显示 C/D 级危房）"; }
        if (data.truncated) { text += "；房屋过多，只显示了前 " + markers.length + " 栋"; }
        status.textContent = text + "。";
        box.dataset.points = String(markers.length);
      })
      .catch(function (error) {
        window.console.error("house map:", error);
        status.textContent = "房屋点位载入失败，请刷新重试。";
        map.setView([35, 105], 4);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
