import NIOCore
import NIOHTTP1

/// One client connection: gathers each request, asks the API for its response, writes it, and logs it
/// once the write has succeeded.
final class HTTPConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Larger bodies are answered with 413 (reference images are at most 20 MB).
    static let maximumBodyBytes = 64 << 20

    private let api: SimulatedAPI
    private let connections: OpenConnections
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    private var isOpen = true
    /// Requests held without an answer (`hang`), finished when the connection closes.
    private var held: [(response: SimulatorResponse, request: SimulatorRequest)] = []

    init(api: SimulatedAPI, connections: OpenConnections) {
        self.api = api
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.insert(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        connections.remove(context.channel)
        // Closed by a stopping simulator: nothing was sent; otherwise the client went first.
        let delivery: LoggedRequest.Delivery = connections.isClosing ? .closedWithoutResponse : .clientGone
        for (response, request) in held {
            api.finish(response, for: request, delivery: delivery, answeredAt: delivery == .clientGone ? nil : .now)
        }
        held.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            bodyTooLarge = false
            // Clients that announce a body with `Expect: 100-continue` wait for this before sending it.
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let informational = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(informational)), promise: nil)
            }
        case .body(let chunk):
            if body.count + chunk.readableBytes > HTTPConnection.maximumBodyBytes {
                bodyTooLarge = true
            } else {
                body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let request = SimulatorRequest(
            method: head.method.rawValue,
            target: head.uri,
            headers: head.headers.map { ($0.name, $0.value) },
            body: body,
            bodyTooLarge: bodyTooLarge,
            localPort: context.channel.localAddress?.port ?? 0
        )
        body.removeAll(keepingCapacity: false)
        let response = api.reply(to: request)
        if response.transmission == .hold {
            held.append((response, request))
        } else if response.delay > .zero {
            context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(response.delay)) {
                self.write(response, for: request, head: head, context: context)
            }
        } else {
            write(response, for: request, head: head, context: context)
        }
    }

    private func write(
        _ response: SimulatorResponse, for request: SimulatorRequest, head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        let api = self.api
        guard isOpen else {
            api.finish(response, for: request, delivery: .clientGone, answeredAt: nil)
            return
        }
        let answeredAt = ContinuousClock.now
        if case .closeWithoutResponse = response.transmission {
            context.close(promise: nil)
            api.finish(response, for: request, delivery: .closedWithoutResponse, answeredAt: answeredAt)
            return
        }
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        } else if head.version.minor == 0 {
            headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        if case .truncated(let keeping) = response.transmission {
            let part = response.body.prefix(keeping)
            let sent = context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: part)))))
            sent.assumeIsolated().whenComplete { result in
                context.close(promise: nil)
                let delivery: LoggedRequest.Delivery = switch result {
                case .success: .truncated(sentBytes: part.count, declaredBytes: response.body.count)
                case .failure: .clientGone
                }
                api.finish(response, for: request, delivery: delivery, answeredAt: answeredAt)
            }
            return
        }
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                          promise: nil)
        }
        // Logged after the write succeeded: the bytes have left the process.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { result in
            switch result {
            case .success: api.finish(response, for: request, delivery: .complete, answeredAt: answeredAt)
            case .failure: api.finish(response, for: request, delivery: .clientGone, answeredAt: answeredAt)
            }
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
