package connector

// SetReadPipeline makes the read operations use conc requests in flight of batch messages each, until the
// function it returns is called.
func SetReadPipeline(conc, batch int) (restore func()) {
	c, b := readConcurrency, readBatchSize
	readConcurrency, readBatchSize = conc, batch
	return func() { readConcurrency, readBatchSize = c, b }
}
