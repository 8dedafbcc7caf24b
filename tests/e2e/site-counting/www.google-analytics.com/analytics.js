window.ga = function () {};
