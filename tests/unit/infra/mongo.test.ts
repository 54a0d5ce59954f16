import { replicaSetDefaults } from '../../../src/infra/mongo';

describe('MongoDB connection options', () => {
  it('asks a majority of the replica set to acknowledge writes, and retries writes and reads across a failover', () => {
    expect(replicaSetDefaults('mongodb://db1,db2,db3/aftercare?replicaSet=rs0')).toEqual({
      writeConcern: { w: 'majority', wtimeoutMS: 10000 },
      retryWrites: true,
      retryReads: true,
    });
  });

  it('leaves what the URI says to the URI', () => {
    expect(replicaSetDefaults('mongodb+srv://cluster0.example.net/aftercare?w=1&retryWrites=false')).toEqual({ retryReads: true });
  });
});
