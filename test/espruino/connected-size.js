"use strict";
// The program that measures E.getSizeOf(client) of a client connected to a broker and
// subscribed once, the module loaded into RAM (Modules.addCached), or with `source` null from
// Storage (where the caller wrote it): the measure of
// what the library holds. No user callback is registered, so only the library is counted
// (with the code its closures and methods reach). Used by bench/footprint.js and by
// test/espruino/interpreter.test.js. It prints "SIZE {...}".
function connectedSizeProgram(source, host, port) {
  return (
    (source === null ? "" : `Modules.addCached("mqtt_as",${JSON.stringify(source)});`) +
    `var m=require("mqtt_as");` +
    `var c=new m.MQTTClient({server:${JSON.stringify(host)},port:${port},clientId:"footprint"});` +
    `c.connect().then(function(){return c.subscribe("footprint/t",1);}).then(function(){` +
    `print("SIZE "+JSON.stringify({connected:E.getSizeOf(c)}));return c.disconnect();},` +
    `function(e){print("SIZE "+JSON.stringify({error:String(e.code)}));});\n`
  );
}

/** The measure from the interpreter's output; throws when the client did not connect. */
function parseConnectedSize(output) {
  const match = /SIZE (\{.*\})/.exec(output); // the console may put a prompt before it
  if (!match) throw new Error(`no SIZE line from the interpreter:\n${output}`);
  const result = JSON.parse(match[1]);
  if (result.error) throw new Error(`the client did not connect on the interpreter: ${result.error}`);
  return result.connected;
}

module.exports = { connectedSizeProgram, parseConnectedSize };
