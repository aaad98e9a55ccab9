package org.ftb.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where {@code ftb ctl} reaches the services run with one configuration: the CONTROL operands of the
 * BROKER and GATEWAY statements, and what names their endpoints when those are not given.
 *
 * @param location where the configuration was read from, the same whichever way it was named: a file's
 *                 absolute path, or the data set a {@code //DD:} name resolved to; the name of a
 *                 configuration given as text otherwise
 * @param broker   BROKER CONTROL, the broker's endpoint, when given
 * @param gateway  GATEWAY CONTROL, the endpoint of {@code ftb gateway}, when given
 */
public record ControlSettings(String location, Optional<Path> broker, Optional<Path> gateway) {
}
