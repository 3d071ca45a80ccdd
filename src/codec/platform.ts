// Whether the code runs on Espruino. Each bundle is built for one platform and has this folded
// to a constant, so that it carries the other's paths nowhere (rollup.config.mjs): dist/*.js
// for Espruino, dist/node/*.js for Node. The modules of build/ (the unit tests') ask at load.
export const onEspruino = typeof E !== "undefined";
