// Loads WAVES × PER_WAVE images from the page's own host and seven third parties, one wave after the other (the
// test server may hold a wave's first request), then a last request to /done.
const HOSTS = ['www.busy.example', 'www.google-analytics.com', 'mc.yandex.ru', 'static.criteo.net',
  'analytics.tiktok.com', 'connect.facebook.net', 'hm.baidu.com', 'cdn.unknown-widgets.example'];
const WAVES = 20;
const PER_WAVE = 20;

function load(url) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = resolve;
    img.onerror = resolve;
    img.src = url;
  });
}

(async () => {
  for (let w = 0; w < WAVES; w++) {
    const wave = [];
    for (let i = 0; i < PER_WAVE; i++) {
      const host = HOSTS[(w * PER_WAVE + i) % HOSTS.length];
      wave.push(load(`https://${host}/p.gif?w=${w}&i=${i}`));
    }
    await Promise.all(wave);
  }
  await load('https://www.busy.example/p.gif?done=1');
})();
