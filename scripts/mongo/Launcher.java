import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Starts mongo-java-server on 127.0.0.1.
 * Usage: java -cp 'lib/*' Launcher.java PORT [FILE.mv]
 * PORT 0 picks a free port. With FILE the H2 backend keeps the data on disk, else memory.
 * Prints "READY <port>" once it accepts connections. ONE worker thread: with more, concurrent
 * commands interleave inside the server and atomic updates stop being atomic.
 *
 * Unique indexes answer filters that pin their keys plus other conditions ({_id, 'sla.rev': 3}),
 * as MongoDB's do: mongo-java-server uses an index only when the filter's fields are exactly the
 * index's, and scanned the collection for every conditional update by _id (a cost that grew with
 * the data). KeyIndex reads the candidates by the key and the server checks the whole filter on them.
 */
public class Launcher {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    MongoBackend backend = args.length > 1 ? new KeyedH2Backend(args[1]) : new KeyedMemoryBackend();
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

  /**
   * A unique index that also takes a filter holding its keys among other fields: the candidates
   * come from the key alone (an equality or $in on each key), and the collection matches the whole
   * filter on them (AbstractMongoCollection.queryDocuments → matchDocuments). Everything else is the
   * wrapped index's.
   */
  static final class KeyIndex<P> extends Index<P> {
    private final Index<P> inner;
    private final boolean sparse;
    private final String[] fields;

    KeyIndex(Index<P> inner) {
      this(inner, Boolean.TRUE.equals(inner.toIndexDescription().get("sparse")));
    }

    private KeyIndex(Index<P> inner, boolean sparse) {
      super(inner.getName(), inner.getKeys(), sparse);
      this.inner = inner;
      this.sparse = sparse;
      this.fields = inner.getKeys().stream().map(IndexKey::getKey).toArray(String[]::new);
    }

    /** The filter cut to the index's keys, or null when a key is missing (or the index is sparse, or the filter is the keys alone). */
    private Document narrow(Document query) {
      if (sparse || query.size() <= fields.length) return null;
      Document keyed = new Document();
      for (String f : fields) {
        Object v = query.get(f);
        if (v == null && !query.containsKey(f)) return null;
        keyed.put(f, v);
      }
      return keyed;
    }

    @Override public boolean canHandle(Document query) {
      if (inner.canHandle(query)) return true;
      Document keyed = narrow(query);
      return keyed != null && inner.canHandle(keyed);
    }

    @Override public Iterable<P> getPositions(Document query) {
      return inner.canHandle(query) ? inner.getPositions(query) : inner.getPositions(narrow(query));
    }

    @Override public P getPosition(Document document) { return inner.getPosition(document); }
    @Override public void checkAdd(Document document, MongoCollection<P> collection) { inner.checkAdd(document, collection); }
    @Override public void add(Document document, P position, MongoCollection<P> collection) { inner.add(document, position, collection); }
    @Override public P remove(Document document) { return inner.remove(document); }
    @Override public long getCount() { return inner.getCount(); }
    @Override public boolean isEmpty() { return inner.isEmpty(); }
    @Override public long getDataSize() { return inner.getDataSize(); }
    @Override public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) { inner.checkUpdate(oldDocument, newDocument, collection); }
    @Override public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) { inner.updateInPlace(oldDocument, newDocument, position, collection); }
    @Override public void drop() { inner.drop(); }
    @Override public boolean isUnique() { return inner.isUnique(); }
    @Override public boolean hasSameOptions(Index<?> other) { return inner.hasSameOptions(other instanceof KeyIndex<?> k ? k.inner : other); }
    @Override public Document toIndexDescription() { return inner.toIndexDescription(); }
    @Override public String toString() { return inner.toString(); }
  }

  static final class KeyedMemoryBackend extends MemoryBackend {
    @Override public MemoryDatabase openOrCreateDatabase(String name) {
      return new MemoryDatabase(name, getCursorRegistry()) {
        @Override protected Index<Integer> openOrCreateUniqueIndex(String collection, String indexName, List<IndexKey> keys, boolean sparse) {
          return new KeyIndex<>(super.openOrCreateUniqueIndex(collection, indexName, keys, sparse));
        }
      };
    }
  }

  static final class KeyedH2Backend extends H2Backend {
    KeyedH2Backend(String file) {
      super(file);
    }

    @Override protected MongoDatabase openOrCreateDatabase(String name) {
      return new H2Database(name, getMvStore(), getCursorRegistry()) {
        @Override protected Index<Object> openOrCreateUniqueIndex(String collection, String indexName, List<IndexKey> keys, boolean sparse) {
          return new KeyIndex<>(super.openOrCreateUniqueIndex(collection, indexName, keys, sparse));
        }
      };
    }
  }
}
