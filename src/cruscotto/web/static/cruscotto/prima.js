// Loaded before Bootstrap Italia's bundle. Its video player (video.js) would write its default
// sizes into an inline <style> on every page, which the Content-Security-Policy refuses: no
// page of cruscotto has a video, and this flag turns that off (docs/security.md).
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
