package io.github.sidecarchannels.testclients.broken;

import io.github.sidecarchannels.rpc.SidecarClient;

@SidecarClient("echo")
public interface Unannotated {

	String forgotTheAnnotation(String text);

}
