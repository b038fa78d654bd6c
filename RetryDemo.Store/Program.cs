using RetryDemo.Store.Garnet;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGarnet();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
