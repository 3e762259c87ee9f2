export const id = 69;
export const ids = [69];
export const modules = {

/***/ 6069:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkVersion: () => (/* binding */ checkVersion)
/* harmony export */ });
/* unused harmony exports requiredBump, actualBump */
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Semantic versioning of the contract: the version the head declares must be at least the bump
 * its changes need (breaking → major, any other change → minor; below 1.0.0 each steps down one).
 */

const RANK = { none: 0, patch: 1, minor: 2, major: 3 };
function requiredBump(levels, baseVersion) {
    const initial = semver__WEBPACK_IMPORTED_MODULE_0___default().valid(baseVersion) !== null && semver__WEBPACK_IMPORTED_MODULE_0___default().major(baseVersion) === 0;
    if (levels.includes("breaking"))
        return initial ? "minor" : "major";
    if (levels.length > 0)
        return initial ? "patch" : "minor";
    return "none";
}
/** The bump from base to head, or undefined when head is not above base. */
function actualBump(baseVersion, headVersion) {
    if (!semver__WEBPACK_IMPORTED_MODULE_0___default().gt(headVersion, baseVersion))
        return semver__WEBPACK_IMPORTED_MODULE_0___default().eq(headVersion, baseVersion) ? "none" : undefined;
    const base = semver__WEBPACK_IMPORTED_MODULE_0___default().parse(baseVersion);
    const head = semver__WEBPACK_IMPORTED_MODULE_0___default().parse(headVersion);
    if (head.major !== base.major)
        return "major";
    if (head.minor !== base.minor)
        return "minor";
    return "patch";
}
function checkVersion(baseVersion, headVersion, levels) {
    const required = requiredBump(levels, baseVersion);
    for (const [side, v] of [
        ["base", baseVersion],
        ["head", headVersion],
    ]) {
        if (semver__WEBPACK_IMPORTED_MODULE_0___default().valid(v) === null) {
            return {
                ok: false,
                required,
                reason: `the ${side} version "${v}" is not a semantic version (MAJOR.MINOR.PATCH)`,
            };
        }
    }
    const actual = actualBump(baseVersion, headVersion);
    if (actual === undefined) {
        return { ok: false, required, reason: `the version went down from ${baseVersion} to ${headVersion}` };
    }
    if (RANK[actual] < RANK[required]) {
        const what = required === "major" ? "breaking changes" : "changes";
        const next = semver__WEBPACK_IMPORTED_MODULE_0___default().inc(baseVersion, required === "none" ? "patch" : required);
        return {
            ok: false,
            required,
            reason: `version ${baseVersion} → ${headVersion} is a ${actual === "none" ? "no-op" : actual} bump, but the ${what} need a ${required} bump (at least ${next})`,
        };
    }
    return { ok: true, required, actual };
}


/***/ })

};
