package io.github.sidecarchannels.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.sidecarchannels.core.convert.PayloadBindingReflectiveProcessor;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method that receives what arrives on a sidecar's inbound channel: the
 * messages of a raw sidecar that are not replies, the notifications of a {@code json-rpc}
 * sidecar that no handler takes. The method has one parameter: the payload converted by
 * the sidecar's {@link PayloadConverter} ({@code String}, {@code byte[]}, or a type bound
 * from JSON such as a record), or a {@code Message<T>} of it to see the headers too. It
 * runs on the sidecar's reading thread; what it throws is reported on the errors channel
 * and counted in {@code sidecar.errors{type=subscriber}}, like any subscriber's failure.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(PayloadBindingReflectiveProcessor.class)
public @interface SidecarListener {

	/**
	 * @return the name of the sidecar ({@code sidecar.processes.NAME}) to listen to
	 */
	String value();

}
