// Stand-in for https://connect.facebook.net/en_US/fbevents.js, served locally by the Whither test server. It only defines a global.
window.fbq = window.fbq || { loaded: true };
