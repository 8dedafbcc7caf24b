// The demo page's own script. It makes the requests that a typical page makes after load (beacons, fetch, XHR, a
// script loaded on demand) and, when every request has been answered, sends one last beacon to
// https://www.google-analytics.com/g/collect?en=done: the tests await the server's record of that beacon.
'use strict';

/** @param {string} url @param {string} body */
function xhr(url, body) {
  return new Promise((resolve) => {
    const r = new XMLHttpRequest();
    r.open('POST', url);
    r.setRequestHeader('Content-Type', 'text/plain');
    r.onloadend = () => resolve(r.status);
    r.send(body);
  });
}

/** @param {string} src */
function image(src) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = img.onerror = () => resolve(src);
    img.src = src;
  });
}

/** @param {string} src */
function script(src) {
  return new Promise((resolve) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = s.onerror = () => resolve(src);
    document.head.append(s);
  });
}

const loaded = new Promise((resolve) => {
  if (document.readyState === 'complete') resolve(undefined);
  else window.addEventListener('load', () => resolve(undefined), { once: true });
});

navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&en=page_view', 'page_view');

const wave1 = [
  // A blocked request (a content blocker) rejects: the page goes on, as pages do.
  fetch('/api/comments.json').then((r) => r.json(), () => null),
  fetch('https://cdn.cookielaw.org/consent/whither.json', { credentials: 'omit' }).then((r) => r.json(), () => null),
];

// Criteo's tag is loaded on demand; the test server can hold its response (to stop the extension's service worker
// while the page is still making requests). When it has run, the second wave of requests starts.
const wave2 = script('https://static.criteo.net/js/ld/publishertag.js').then(() =>
  Promise.all([
    xhr('https://bidder.criteo.com/cdb', '{"slots":[{"impid":"top"}]}'),
    fetch('https://analytics.tiktok.com/api/v2/pixel', {
      method: 'POST', body: '{"event":"ViewContent"}', headers: { 'Content-Type': 'text/plain' }, credentials: 'omit',
    }).then((r) => r.status, () => 0),
    image('https://mc.yandex.ru/watch/2.gif'),
    image('https://hm.baidu.com/hm.gif?si=whither'),
  ]));

Promise.all([loaded, ...wave1, wave2]).then(() => {
  navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&en=done', 'done');
  const status = document.getElementById('status');
  if (status) status.textContent = 'All requests made.';
  document.documentElement.dataset.whitherDemo = 'done';
});
