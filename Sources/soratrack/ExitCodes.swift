import ArgumentParser
import Foundation
import JobStore
import PostgresStore
import Reports
import SyncEngine
import VideoAPI
import VideoSimulator

/// The one place where errors become exit statuses (docs/operations.md, Exit codes) and one line on stderr.
enum ExitCodes {
    /// The exit status for an error.
    static func status(for error: any Error) -> ExitStatus {
        switch error {
        case let error as StoreError:
            switch error {
            case .cannotCreate: return .cannotCreate
            case .newerSchema: return .config
            case .unknownJob: return .dataError
            case .missing, .notADatabase, .io, .unreachable: return .ioError
            case .rejected: return .noPermission
            }
        case is JobDatabase.MigrationNeeded, is DatabaseURLError, is PostgresURLError: return .config
        case let error as ConfigError:
            switch error {
            case .missingAPIKey, .unreadableKeyFile: return .noPermission
            case .badBaseURL, .badAuthHeader, .badMaxRPM: return .config
            }
        case let error as SyncLockError:
            switch error {
            case .held: return .locked
            case .cannotCreate: return .cannotCreate
            }
        case let error as SyncFailure:
            switch error {
            case .rejectedKey: return .noPermission
            case .unreachable: return .unavailable
            case .providerFailing, .rateLimited: return .partial
            }
        case is InputError, is VideoIDError, is ScenarioError, is CopyError: return .dataError
        case let error as DownloadError:
            switch error {
            case .cannotCreateFolder: return .cannotCreate
            case .cannotWrite: return .ioError
            }
        case is OutputError: return .ioError
        case let error as OutputFileError:
            switch error {
            case .cannotCreate: return .cannotCreate
            case .cannotWrite: return .ioError
            }
        case let error as VideoAPIError:
            switch error {
            case .http(let status, _, _) where status == 401 || status == 403: return .noPermission
            case .transport: return .unavailable
            case .invalidBaseURL: return .config
            default: return .partial
            }
        case is InputReferenceError: return .dataError
        case let error as CreateFailure: return CreateResult.exitStatus(for: error)
        case let error as CreateError:
            switch error {
            case .notRecorded(_, let storeError): return status(for: storeError)
            case .unconfirmed(let failure, _): return status(for: failure)
            }
        case let error as DiscoveryError: return DiscoverySummary.exitStatus(for: error.failure, pagesRead: error.pagesRead)
        default: return .partial
        }
    }

    /// Runs a command body; an error prints one line on stderr and exits with its code.
    static func run(_ body: () async throws -> ExitStatus) async throws {
        let result: ExitStatus
        do {
            result = try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("soratrack: \(error)\n".utf8))
            throw ExitCode(status(for: error).rawValue)
        }
        if result != .ok { throw ExitCode(result.rawValue) }
    }
}
