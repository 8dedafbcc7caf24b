// Stand-in for https://cdn.unknown-widgets.example/widget.js, served locally by the Whither test server. It only defines a global.
window.unknownWidget = window.unknownWidget || { loaded: true };
