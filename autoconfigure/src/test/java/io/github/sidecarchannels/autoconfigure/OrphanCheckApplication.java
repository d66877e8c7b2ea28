package io.github.sidecarchannels.autoconfigure;

import java.util.concurrent.CountDownLatch;

import io.github.sidecarchannels.core.Sidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Run in a separate JVM by {@link SidecarOrphanTests}: starts a {@code cat}, a
 * Python-client and a Node-client sidecar, prints their pids, then waits to be killed.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(SidecarAutoConfiguration.class)
public class OrphanCheckApplication {

	public static void main(String[] args) throws InterruptedException {
		SpringApplication application = new SpringApplication(OrphanCheckApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run("--sidecar.processes.cat.command=cat",
				"--sidecar.processes.py.command=python3," + args[0], "--sidecar.processes.node.command=node," + args[1],
				"--sidecar.processes.node.socket=fd3");
		StringBuilder pids = new StringBuilder("PIDS");
		for (String name : new String[] { "cat", "py", "node" }) {
			pids.append(' ').append(context.getBean("sidecar." + name, Sidecar.class).pid());
		}
		System.out.println(pids);
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
