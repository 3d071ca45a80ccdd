// Hello from a board: joins WiFi, connects to the broker, subscribes, publishes, prints what
// comes back, disconnects. First send dist/mqtt_as.js to the board's Storage as the module
// "mqtt_as" (Web IDE: Storage, Upload a file; or `npm run upload -- --port PORT --library`),
// then send this program from the Web IDE's editor. Set the three lines below to your own.
// On a firmware without the Wifi module (Espruino built for Linux) it skips WiFi.
var WIFI = { ssid: "my-network", password: "my-password" };
var BROKER = { server: "192.168.1.10", port: 1883 }; // the broker's address on your network
var TOPIC = "hello/" + getSerial(); // a topic of this board's own

function start() {
  var mqtt = require("mqtt_as"); // from Storage: its code stays in flash
  var client = new mqtt.MQTTClient({ server: BROKER.server, port: BROKER.port });
  client.on("msg", function (topic, msg, retained, qos) {
    // msg is a Uint8Array of the payload's bytes; E.toString() makes it a string.
    print("received " + topic + ": " + E.toString(msg) + " (QoS " + qos + ")");
    client.disconnect().then(function () {
      print("disconnected");
    });
  });
  client
    .connect()
    .then(function () {
      print("connected to " + BROKER.server);
      return client.subscribe(TOPIC, 1);
    })
    .then(function (granted) {
      print("subscribed to " + TOPIC + ", granted QoS " + granted);
      return client.publish(TOPIC, "hello from Espruino " + process.version, false, 1);
    })
    .then(function () {
      print("published");
    })
    .catch(function (error) {
      // Every failure is an Error with a string code: CLOSED, TIMEOUT, CONNACK_REFUSED...
      print("failed: " + error.code + " " + error.message);
      client.disconnect();
    });
}

var wifi = null;
try {
  wifi = require("Wifi");
} catch (e) {} // no Wifi module in this firmware
if (wifi) {
  wifi.connect(WIFI.ssid, { password: WIFI.password }, function (error) {
    if (error) print("WiFi: " + error);
    else start();
  });
} else {
  start();
}
