package io.github.sidecarchannels.core.transport;

import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.SidecarDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a caller may write without blocking, on a real socketpair.
 */
class DirectRoomTests {

	@Test
	void aNewSocketTakesHalfItsSendBufferWithoutAsking() throws Exception {
		try (SocketPair pair = SocketPair.open(SidecarDefinition.builder("room").command("cat").build())) {
			DirectRoom room = new DirectRoom(pair);
			long half = pair.sendBufferSize() / 2;
			assertThat(room.has(half, false)).isTrue();
			assertThat(room.has(half + 1, false)).isFalse();
			room.use(half);
			assertThat(room.has(1, false)).isFalse();
			// Nothing was written: the socket is empty, so asking it restores the room.
			assertThat(room.has(half, true)).isTrue();
		}
	}

	@Test
	void aSocketNobodyReadsIsAskedAndRefuses() throws Exception {
		try (SocketPair pair = SocketPair.open(SidecarDefinition.builder("room").command("cat").build())) {
			ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
			DirectRoom room = new DirectRoom(pair);
			long written = 0;
			// Writes within the room never block, even though nobody reads.
			while (room.has(DirectRoom.cost(chunk.capacity()), true) && written < 64L * 1024 * 1024) {
				room.use(DirectRoom.cost(chunk.capacity()));
				chunk.clear();
				written += pair.send(chunk);
			}
			assertThat(written).isPositive().isLessThan(pair.capacityTowardsChild());
			room.forget();
			assertThat(room.has(1, true)).isFalse();
		}
	}

	@Test
	void costChargesTheKernelsBookkeepingPerBuffer() {
		assertThat(DirectRoom.cost(64)).isEqualTo(64 + DirectRoom.WRITE_OVERHEAD);
		assertThat(DirectRoom.cost(64 * 1024)).isEqualTo(64 * 1024 + 3L * DirectRoom.WRITE_OVERHEAD);
	}

}
