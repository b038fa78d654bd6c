using RetryDemo.Benchmarks.LoopbackClient;

// The client host of the loopback benchmark: wrk calls it, it calls HelloService, once per pipeline.
var builder = WebApplication.CreateBuilder(args);

builder.AddPipelineClients();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.MapHealthChecks("/health");
app.MapPipelineEndpoints();

app.Run();
