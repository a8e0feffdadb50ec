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

    // The base layer Anju draws itself: each village (each county on a prefecture's map) by
    // name at the centre of its houses, so the map reads without tiles or a network.
    function placeLabel(p) {
      var el = document.createElement(config.overview ? "a" : "span");
      if (config.overview) {
        el.href = config.map_url.replace("/000000/", "/" + p[0] + "/");
        el.textContent = p[1] + "（" + p[4] + " 栋）";
      } else {
        el.textContent = p[1];
      }
      return L.marker([p[2], p[3]], {
        icon: L.divIcon({ className: "place-label" + (config.overview ? " place-county" : ""),
                          html: el.outerHTML, iconSize: null, iconAnchor: [0, 0] }),
        interactive: !!config.overview, keyboard: !!config.overview, zIndexOffset: -1000
      });
    }
    var places = (config.places || []).filter(function (p) { return p[1]; }).map(placeLabel);
    if (places.length) {
      L.layerGroup(places).addTo(map);
      box.dataset.places = String(places.length);
    }
    if (!config.points) { // a prefecture: its counties only
      if (places.length) {
        map.fitBounds(L.latLngBounds(places.map(function (m) { return m.getLatLng(); })),
                      { padding: [48, 48], maxZoom: 11 });
      } else {
        map.setView([35, 105], 4);
        status.textContent = "各县市还没有带坐标的房屋，无法在地图上标出。";
      }
      return;
    }

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

    function line(parent, tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      parent.appendChild(el);
      return el;
    }

    // The popup names the house as the clerk knows it: address, village, head (masked).
    function popup(p, marker) {
      var wrap = document.createElement("div");
      line(wrap, "strong", (GRADES[p[3]] || p[3]) + (p[4] ? " · 危房住人" : ""));
      var address = line(wrap, "span", "正在载入地址…", "map-popup-address");
      var link = document.createElement("a");
      link.href = config.house_url.replace("/0/", "/" + p[0] + "/");
      link.textContent = "查看房屋记录";
      wrap.appendChild(link);
      fetch(config.popup_url.replace(/\/0$/, "/" + p[0]),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (h) {
          address.textContent = h.address + (h.village ? "（" + h.village + "）" : "") +
            (h.head ? "，户主 " + h.head : "") + "，" + h.occupancy;
          marker.getPopup().update();
        })
        .catch(function () { address.textContent = "地址载入失败，请打开房屋记录查看。"; });
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
          // built once, when first opened: the address arrives later and update() asks again
          var content = null;
          m.bindPopup(function () { return content || (content = popup(p, m)); });
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
