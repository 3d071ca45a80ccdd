// One end-to-end scenario for the bundle, written in plain ES5 so that it runs unchanged in
// the Node `vm` shim (vm-shim.js) and on the Espruino interpreter (interpreter.test.js).
// Expects the globals MQTT_HOST, MQTT_PORT and report(result); calls report exactly once.
// Every rejection is caught and recorded with its code: nothing is left unhandled.
var mqtt = require("mqtt_as");
// Sizes: the global SCENARIO_SIZE where a program sets it (the ESP32-C3's small heap), else
// these. The burst is one publish past maxInflight + queueLen.
var SIZE = typeof SCENARIO_SIZE !== "undefined" ? SCENARIO_SIZE : { big: 3000, maxInflight: 4, queueLen: 10 };

var scenario = (function () {
  var steps = [];
  var received = [];
  var errors = [];
  var afterUnsubscribe = [];
  var unsubscribed = false;
  var sizeOf = null;
  var reported = false;
  var client = null;

  // The bytes of the large payload: i*7 & 255, so every byte value occurs.
  var big = new Uint8Array(SIZE.big);
  for (var i = 0; i < big.length; i++) big[i] = (i * 7) & 255;
  // "hello2" plus U+00E9, built without a \u literal (ESP32 strings are 8-bit): UTF-8 c3 a9.
  var accented = "hello2" + String.fromCharCode(0xe9);

  function summary(bytes) {
    // Fletcher-style sum over the bytes: catches lost, reordered and altered bytes.
    var a = 1;
    var b = 0;
    for (var j = 0; j < bytes.length; j++) {
      a = (a + bytes[j]) % 65521;
      b = (b + a) % 65521;
    }
    return {
      length: bytes.length,
      checksum: b * 65536 + a,
      first: bytes.length ? bytes[0] : null,
      last: bytes.length ? bytes[bytes.length - 1] : null
    };
  }

  function step(name, value) {
    steps.push({ name: name, ok: true, value: value === undefined ? null : value });
  }

  function failed(name) {
    return function (error) {
      steps.push({ name: name, ok: false, value: null });
      errors.push({
        step: name,
        code: error && error.code !== undefined ? error.code : null,
        message: error && error.message !== undefined ? String(error.message) : String(error),
      });
      throw { alreadyRecorded: true };
    };
  }

  function delay(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  // Resolves when `count` messages have arrived, rejects (code TIMEOUT) after `ms`.
  function waitForMessages(count, ms) {
    return new Promise(function (resolve, reject) {
      var started = Date.now();
      function poll() {
        if (received.length >= count) return resolve(received.length);
        if (Date.now() - started > ms) {
          var e = new Error("only " + received.length + " of " + count + " messages");
          e.code = "TIMEOUT";
          return reject(e);
        }
        setTimeout(poll, 20);
      }
      poll();
    });
  }

  function finish() {
    if (reported) return;
    reported = true;
    report({ steps: steps, received: received, afterUnsubscribe: afterUnsubscribe, sizeOf: sizeOf, errors: errors });
  }

  function run() {
    try {
      client = new mqtt.MQTTClient({
        server: MQTT_HOST,
        port: MQTT_PORT,
        responseTime: 2,
        keepalive: 10,
        maxInflight: SIZE.maxInflight,
        queueLen: SIZE.queueLen
      });
    } catch (error) {
      errors.push({ step: "construct", code: error && error.code !== undefined ? error.code : null, message: String(error && error.message) });
      finish();
      return;
    }
    client.on("msg", function (topic, msg, retained, qos, dup) {
      var record = summary(msg);
      record.topic = topic;
      record.qos = qos;
      record.retained = retained;
      record.isUint8Array = msg instanceof Uint8Array;
      if (unsubscribed) afterUnsubscribe.push(record);
      else received.push(record);
    });

    Promise.resolve()
      .then(function () {
        return client.connect().then(function (sessionPresent) {
          step("connect", sessionPresent);
        }, failed("connect"));
      })
      .then(function () {
        step("isConnected", client.isConnected);
        return client.subscribe("esp/#", 2).then(function (granted) {
          step("subscribe", granted);
        }, failed("subscribe"));
      })
      .then(function () {
        return client.publish("esp/q0", "hello0", false, 0).then(function () {
          step("publish0");
        }, failed("publish0"));
      })
      .then(function () {
        return client.publish("esp/q1", "hello1", false, 1).then(function () {
          step("publish1");
        }, failed("publish1"));
      })
      .then(function () {
        return client.publish("esp/q2", accented, false, 2).then(function () {
          step("publish2");
        }, failed("publish2"));
      })
      .then(function () {
        return client.publish("esp/big", big, false, 1).then(function () {
          step("publishBig");
        }, failed("publishBig"));
      })
      .then(function () {
        return waitForMessages(4, 5000).then(function (n) {
          step("received", n);
        }, failed("received"));
      })
      .then(function () {
        return client.brokerUp().then(function (up) {
          step("brokerUp", up);
        }, failed("brokerUp"));
      })
      .then(function () {
        return client.unsubscribe("esp/#").then(function () {
          unsubscribed = true;
          step("unsubscribe");
        }, failed("unsubscribe"));
      })
      .then(function () {
        return client.publish("esp/after", "after", false, 1).then(function () {
          step("publishAfter");
        }, failed("publishAfter"));
      })
      .then(function () {
        return delay(300).then(function () {
          step("quiet", afterUnsubscribe.length);
        });
      })
      .then(function () {
        // A burst past maxInflight (and past queueLen, which bounds received messages only):
        // the rest wait for a slot, and settle in the order they were made.
        var settled = [];
        var burst = [];
        for (var k = 0; k <= SIZE.maxInflight + SIZE.queueLen; k++) {
          burst.push(
            client.publish("burst/t", "b" + k, false, 1).then(
              (function (n) {
                return function () {
                  settled.push(n);
                };
              })(k),
              (function (n) {
                return function (error) {
                  settled.push(n + ":" + (error && error.code));
                };
              })(k)
            )
          );
        }
        return Promise.all(burst).then(function () {
          step("burst", settled);
        });
      })
      .then(function () {
        sizeOf = typeof E !== "undefined" && E.getSizeOf ? E.getSizeOf(client) : null;
        step("sizeOf", sizeOf);
      })
      .then(null, function (error) {
        if (!(error && error.alreadyRecorded)) {
          errors.push({ step: "scenario", code: error && error.code !== undefined ? error.code : null, message: String(error && error.message) });
        }
      })
      .then(function () {
        return client.disconnect().then(function () {
          step("disconnect", client.down.isSet()); // the contract: disconnect() sets `down`
        }, failed("disconnect"));
      })
      .then(null, function (error) {
        if (!(error && error.alreadyRecorded)) {
          errors.push({ step: "disconnect", code: error && error.code !== undefined ? error.code : null, message: String(error && error.message) });
        }
      })
      .then(finish, finish);
  }

  return { run: run };
})();

scenario.run();
