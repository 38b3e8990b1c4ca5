package com.fluxrouter.billing.observability;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one class logs while a test runs, through log4j's own appender API (the level is the test config's). */
public final class CapturedLog implements AutoCloseable {
    /** One logged line: its level, formatted message and the class name of its throwable (or null). */
    public record Line(Level level, String message, String thrown) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final AbstractAppender appender;

    public CapturedLog(Class<?> source) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        logger = context.getLogger(source.getName());
        appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new Line(event.getLevel(), event.getMessage().getFormattedMessage(),
                        event.getThrown() == null ? null : event.getThrown().getClass().getName()));
            }
        };
        appender.start();
        logger.addAppender(appender);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        appender.stop();
    }
}
