// Host side of the embedding: size the iframe to the calculator's content.
// A portal copies this listener; it accepts messages only from the calculator's own origin.
(function () {
  var frame = document.getElementById('yibao-frame');
  if (!frame) return;
  var calculatorOrigin = new URL(frame.src, location.href).origin;
  window.addEventListener('message', function (event) {
    if (event.origin !== calculatorOrigin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== 'yibao:height') return;
    var height = Number(data.height);
    if (!isFinite(height) || height < 100 || height > 100000) return;
    frame.setAttribute('height', String(Math.ceil(height)));
  });
})();
