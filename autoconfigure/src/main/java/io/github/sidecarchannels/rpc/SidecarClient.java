package io.github.sidecarchannels.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose methods call the child of one {@code json-rpc} sidecar. With
 * Spring Boot, annotated interfaces in the application's packages (those of
 * {@code @SpringBootApplication} and below, or those {@code @EnableSidecarClients} names)
 * become beans; {@link SidecarClients#create} makes one by hand.
 * <p>
 * Every abstract method carries {@link JsonRpcMethod} (a call) or
 * {@link JsonRpcNotification} (a notification, returning {@code void}). Arguments become
 * {@code params}: none, none is sent; one, it is {@code params} (by-name for a record,
 * Map or other object); more, they are sent by position. A call returns its result bound
 * to the method's generic return type and waits for it (the annotation's {@code timeout}
 * or the sidecar's {@code request-timeout}), returns a {@code CompletableFuture} of it,
 * or returns {@code void} / {@code CompletableFuture<Void>} to ignore the result.
 * Failures are those of {@link SidecarRpc}; blocking methods throw them as they are, not
 * wrapped. {@code default} methods run as written.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SidecarClient {

	/**
	 * @return the name of the sidecar ({@code sidecar.processes.NAME}) this interface
	 * calls
	 */
	String value();

}
