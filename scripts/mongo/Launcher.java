import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * Starts mongo-java-server on 127.0.0.1.
 * Usage: java -cp 'lib/*' Launcher.java PORT [FILE.mv]
 * PORT 0 picks a free port. With FILE the H2 backend keeps the data on disk, else memory.
 * Prints "READY <port>" once it accepts connections. ONE worker thread: with more, concurrent
 * commands interleave inside the server and atomic updates stop being atomic.
 */
public class Launcher {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    MongoBackend backend = args.length > 1 ? new H2Backend(args[1]) : new MemoryBackend();
    MongoServer server = new MongoServer(backend);
    server.bind(new InetSocketAddress("127.0.0.1", port), 1, 1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      if (backend instanceof H2Backend h2) h2.close();
    }));
    System.out.println("READY " + server.getLocalAddress().getPort());
    System.out.flush();
    // Exit when the parent closes our stdin, so an orphaned store never lingers.
    while (System.in.read() != -1) { }
    System.exit(0);
  }
}
