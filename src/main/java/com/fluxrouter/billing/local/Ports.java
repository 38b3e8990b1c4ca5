package com.fluxrouter.billing.local;

import java.io.IOException;
import java.net.ServerSocket;

/** Picking a free local port for a listener that must know its port before it binds. */
final class Ports {
    private Ports() {
    }

    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
