export const id = 796;
export const ids = [796];
export const modules = {

/***/ 6796:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6856);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(431);




/** Retries per request, for server errors and for rate limits alike: a gate must finish, not wait forever. */
const MAX_RETRIES = 2;
/** Longer than this and waiting for the rate limit to reset costs more than skipping the call. */
const MAX_RATE_LIMIT_WAIT_S = 60;
function onLimit(kind) {
    return (retryAfter, options, _octokit, retryCount) => {
        const what = `GitHub ${kind} rate limit hit on ${options.method} ${options.url}`;
        if (retryCount < MAX_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S) {
            _runner_js__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(`${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${MAX_RETRIES})`);
            return true;
        }
        _runner_js__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(`${what}; giving up`);
        return false;
    };
}
/**
 * An authenticated client that survives transient 5xx errors and rate limits without hanging the job.
 * `baseUrl` defaults to GITHUB_API_URL (GitHub Enterprise Server sets it).
 */
function createOctokit(token, options = {}) {
    const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com";
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        baseUrl,
        retry: {
            retries: MAX_RETRIES,
            // 403 and 429 are rate limits, the throttling plugin's business; the rest will not get better.
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
        throttle: {
            onRateLimit: onLimit("primary"),
            onSecondaryRateLimit: onLimit("secondary"),
        },
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__/* .throttling */ .A);
}


/***/ })

};
