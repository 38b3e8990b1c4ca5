package com.fluxrouter.billing.local;

import com.fluxrouter.billing.api.ApiAccess;
import com.fluxrouter.billing.api.ApiServer;
import com.fluxrouter.billing.api.StreamsBackend;
import com.fluxrouter.billing.config.BillingConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One instance of the service: the pipeline and its HTTP API. The API's address is the instance's
 * {@code application.server}, so every instance can forward a query to the instance that owns the account.
 */
public final class Service implements AutoCloseable {
    public static final String HTTP_HOST = BillingConfig.HTTP_HOST;
    public static final String HTTP_PORT = BillingConfig.HTTP_PORT;
    public static final String HTTP_ADVERTISED_HOST = BillingConfig.HTTP_ADVERTISED_HOST;
    public static final String READY_MAX_LAG = BillingConfig.HTTP_READY_MAX_LAG;

    private final Pipeline pipeline;
    private final ApiServer api;
    private final HostInfo self;

    private Service(Pipeline pipeline, ApiServer api, HostInfo self) {
        this.pipeline = pipeline;
        this.api = api;
        this.self = self;
    }

    /**
     * Starts the pipeline and its API from settings ({@code flux.http.*} among them), all checked by
     * {@link BillingConfig} and, for the pipeline, {@link com.fluxrouter.billing.topology.StreamsSettings#live}.
     *
     * @throws org.apache.kafka.common.config.ConfigException for a bad or unsafe setting, or no bootstrap servers
     * @throws IllegalArgumentException when listening on a wildcard address without an advertised host
     * @throws IOException when the API cannot listen
     */
    public static Service start(Map<String, String> settings) throws IOException {
        BillingConfig config = BillingConfig.of(settings);
        String host = config.httpHost();
        int port = config.httpPort();
        if (port == 0) {
            port = Ports.free();
        }
        String advertised = config.httpAdvertisedHost();
        if (advertised == null) {
            if (host.equals("0.0.0.0") || host.equals("::")) {
                throw new IllegalArgumentException("listening on " + host + " needs " + HTTP_ADVERTISED_HOST
                        + ": the address other instances reach this one at");
            }
            advertised = host;
        }
        HostInfo self = new HostInfo(advertised, port);
        Map<String, String> withServer = new HashMap<>(settings);
        withServer.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        Pipeline pipeline = new Pipeline(BillingConfig.of(withServer));
        ApiServer api;
        try {
            api = ApiServer.start(host, port, ApiAccess.of(settings), new StreamsBackend(pipeline.streams(), self,
                    config.readyMaxLag(), config.statusMaxLag(), pipeline.replacements()::tooMany,
                    pipeline.meters()::scrape));
        } catch (IOException | RuntimeException e) {
            pipeline.close();
            throw new IOException("cannot serve the HTTP API on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another port (" + HTTP_PORT + ", demo --http-port)", e);
        }
        try {
            pipeline.start();
        } catch (RuntimeException e) {
            // Kafka Streams refused to start (a global store's topic missing, say): nothing may stay open behind it.
            api.close();
            pipeline.close();
            throw e;
        }
        return new Service(pipeline, api, self);
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The API's base address, e.g. {@code http://127.0.0.1:8080}. */
    public String apiAddress() {
        return "http://" + self.host() + ":" + api.port();
    }


    @Override
    public void close() {
        api.close();
        pipeline.close();
    }
}
