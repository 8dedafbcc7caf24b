// Stand-in for https://analytics.tiktok.com/i18n/pixel/events.js, served locally by the Whither test server. It only defines a global.
window.ttq = window.ttq || { loaded: true };
