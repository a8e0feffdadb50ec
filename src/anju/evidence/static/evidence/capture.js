// The capture page: the phone's position with its accuracy (coords.accuracy) goes with the
// photos; the time of sending is the capture's time.
(function () {
  "use strict";
  const form = document.querySelector("[data-evidence-capture]");
  if (!form) return;
  const field = (name) => form.querySelector(`[data-gps="${name}"]`);
  const status = form.querySelector("[data-gps-status]");
  const most = Number(form.dataset.accuracyMax || 50);

  function locate() {
    if (!navigator.geolocation) {
      status.textContent = "本机不支持定位，取证将记为疑点";
      return;
    }
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition((p) => {
      const accuracy = Math.round(p.coords.accuracy * 10) / 10;
      field("lat").value = p.coords.latitude.toFixed(6);
      field("lng").value = p.coords.longitude.toFixed(6);
      field("accuracy_m").value = String(accuracy);
      status.textContent = `已定位：北纬 ${p.coords.latitude.toFixed(6)}，东经 ${p.coords.longitude.toFixed(6)}，精度约 ±${Math.round(accuracy)} 米`;
      if (accuracy > most) status.textContent += `（精度差于 ${most} 米，将记为疑点）`;
      status.classList.toggle("warn", accuracy > most);
    }, (error) => {
      status.textContent = error.code === 1 ? "定位权限被拒绝，取证将记为疑点" : "暂时无法定位，请到空旷处重试";
      status.classList.add("warn");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  }
  form.querySelector("[data-gps-again]").addEventListener("click", locate);
  form.addEventListener("submit", () => { field("captured_at").value = new Date().toISOString(); });
  locate();
})();
