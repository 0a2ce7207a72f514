/*
 * Check-in screen, progressive enhancement: where the browser has a BarcodeDetector that
 * reads QR codes, a button turns the camera on; a QR code it sees fills the code box and
 * submits the form. Without it, the page works as is (USB and Bluetooth scanners type the
 * code and press Enter). The camera stays on across scans (remembered for the tab).
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-checkin-form]");
  var toggle = document.querySelector("[data-camera-toggle]");
  var video = document.querySelector("[data-camera-video]");
  var status = document.querySelector("[data-camera-status]");
  if (!form || !toggle || !video || !("BarcodeDetector" in window)) {
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var input = form.querySelector("input[name=code]");
  var KEY = "checkin-camera";
  var LAST = "checkin-last-code";
  var stream = null;
  var detector = null;

  function remember(on) {
    try {
      if (on) {
        window.sessionStorage.setItem(KEY, "on");
      } else {
        window.sessionStorage.removeItem(KEY);
      }
    } catch (error) {
      /* storage can be disabled; the camera then just does not restart by itself */
    }
  }

  function stored(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      window.sessionStorage.setItem(key, value);
    } catch (error) {
      /* see remember() */
    }
  }

  function wanted() {
    return stored(KEY) === "on";
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.hidden = true;
    toggle.textContent = toggle.dataset.startLabel;
  }

  function scan() {
    if (!stream) {
      return;
    }
    detector
      .detect(video)
      .then(function (codes) {
        var code = codes.length ? codes[0].rawValue : "";
        // The ticket just checked in is often still in front of the camera after the page
        // reloads: ignore it until another code is seen, or it would be sent again and again.
        if (code && code !== stored(LAST)) {
          store(LAST, code);
          input.value = code;
          stop();
          form.submit();
          return;
        }
        window.setTimeout(scan, 200);
      })
      .catch(function () {
        window.setTimeout(scan, 500);
      });
  }

  function start() {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (mediaStream) {
        stream = mediaStream;
        video.srcObject = stream;
        video.hidden = false;
        toggle.textContent = toggle.dataset.stopLabel;
        status.textContent = "";
        remember(true);
        return video.play();
      })
      .then(scan)
      .catch(function () {
        stop();
        remember(false);
        status.textContent = toggle.dataset.errorLabel;
      });
  }

  function offer() {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      if (stream) {
        stop();
        remember(false);
        input.focus();
      } else {
        start();
      }
    });
    if (wanted()) {
      start();
    }
  }

  // Offer the camera only where the detector reads QR codes (many desktops have none).
  window.BarcodeDetector.getSupportedFormats()
    .then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) {
        offer();
      }
    })
    .catch(function () {
      /* no detector after all: the code box is enough */
    });
})();
