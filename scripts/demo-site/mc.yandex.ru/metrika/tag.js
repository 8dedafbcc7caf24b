// Stand-in for https://mc.yandex.ru/metrika/tag.js, served locally by the Whither test server. It only defines a global.
window.ym = window.ym || { loaded: true };
